import type {
  AllergyIntolerance,
  Attachment,
  Condition,
  DiagnosticReport,
  DocumentReference,
  Dosage,
  Medication,
  MedicationRequest,
  MedicationStatement,
  Observation,
  ObservationComponent,
  ObservationReferenceRange,
  Reference,
} from '@medplum/fhirtypes';
import {
  conceptsText,
  conceptText,
  dateText,
  decimalText,
  humanize,
  joined,
  notesText,
  periodText,
  quantityText,
  rangeText,
  ratioText,
  statusText,
} from './format.ts';

/** One label/value line of the packet; values may hold line breaks (notes), which renderers keep. */
export type PacketRow = Readonly<{ label: string; value: string }>;

/** One resource in a section: its name (the condition, the medication …) and what is known about it. */
export type PacketEntry = Readonly<{ title: string; rows: readonly PacketRow[] }>;

/** Rows from optional values: a missing value drops its row, so no renderer ever prints "undefined". */
export function rows(...pairs: readonly (readonly [string, string | undefined] | readonly PacketRow[])[]): PacketRow[] {
  return pairs.flatMap((p): PacketRow[] => {
    if (!isPair(p)) return [...p];
    const [label, value] = p;
    return value !== undefined && value.trim() !== '' ? [{ label, value: value.trim() }] : [];
  });
}

const isPair = (
  p: readonly [string, string | undefined] | readonly PacketRow[],
): p is readonly [string, string | undefined] => typeof p[0] === 'string';

const each = (label: string, values: readonly string[]): PacketRow[] => values.map((value) => ({ label, value }));

/** Condition: clinical and verification status, severity, onset, abatement, when recorded. */
export function conditionEntry(c: Condition): PacketEntry {
  const onset =
    dateText(c.onsetDateTime) ??
    quantityText(c.onsetAge) ??
    periodText(c.onsetPeriod) ??
    rangeText(c.onsetRange) ??
    c.onsetString;
  const abatement =
    dateText(c.abatementDateTime) ??
    quantityText(c.abatementAge) ??
    periodText(c.abatementPeriod) ??
    rangeText(c.abatementRange) ??
    c.abatementString;
  return {
    title: conceptText(c.code) ?? 'Condition',
    rows: rows(
      ['Clinical status', statusText(c.clinicalStatus)],
      ['Verification', statusText(c.verificationStatus)],
      ['Severity', conceptText(c.severity)],
      ['Body site', conceptsText(c.bodySite)],
      ['Onset', onset],
      ['Abated', abatement],
      ['Recorded', dateText(c.recordedDate)],
      each('Note', notesText(c.note)),
    ),
  };
}

/** A medication's name: the concept, else the referenced (or contained) Medication's code, else the reference text. */
function medicationName(
  m: MedicationRequest | MedicationStatement,
  concept = m.medicationCodeableConcept,
  reference: Reference<Medication> | undefined = m.medicationReference,
): string | undefined {
  const containedId = reference?.reference?.startsWith('#') ? reference.reference.slice(1) : undefined;
  const contained = m.contained?.find((r): r is Medication => r.resourceType === 'Medication' && r.id === containedId);
  return conceptText(concept) ?? conceptText(contained?.code) ?? reference?.display;
}

/** Dosage.text, else what can be said from the structured parts (`1 tablet, oral, BID, as needed`). */
function dosageText(d: Dosage): string | undefined {
  if (d.text?.trim()) return d.text.trim();
  const dose = d.doseAndRate?.map((r) => quantityText(r.doseQuantity) ?? rangeText(r.doseRange)).find(Boolean);
  const reason = conceptText(d.asNeededCodeableConcept);
  const asNeeded = reason ? `as needed for ${reason}` : d.asNeededBoolean ? 'as needed' : undefined;
  return joined([dose, conceptText(d.route), conceptText(d.timing?.code), asNeeded, d.patientInstruction], ', ');
}

const reportedBy = (m: MedicationStatement): string =>
  m.informationSource?.display ? `Reported by ${m.informationSource.display}` : 'Reported (medication statement)';

/** MedicationRequest (prescribed) or MedicationStatement (reported taking): name, dosage, status, dates. */
export function medicationEntry(m: MedicationRequest | MedicationStatement): PacketEntry {
  const dosage = m.resourceType === 'MedicationRequest' ? m.dosageInstruction : m.dosage;
  const dosages = (dosage ?? []).flatMap((d) => dosageText(d) ?? []);
  const dates =
    m.resourceType === 'MedicationRequest'
      ? rows(['Prescribed', dateText(m.authoredOn)])
      : rows(
          ['Taken', dateText(m.effectiveDateTime) ?? periodText(m.effectivePeriod)],
          ['Reported', dateText(m.dateAsserted)],
        );
  return {
    title: medicationName(m) ?? 'Medication',
    rows: rows(
      ['Source', m.resourceType === 'MedicationRequest' ? 'Prescription' : reportedBy(m)],
      each('Dosage', dosages),
      ['Status', humanize(m.status)],
      dates,
      [
        'Reason',
        conceptsText(m.reasonCode) ??
          joined(
            (m.reasonReference ?? []).map((r) => r.display),
            '; ',
          ),
      ],
      each('Note', notesText(m.note)),
    ),
  };
}

/** `Hives, wheezing (severe); substance: penicillin`: one line per reaction. */
function reactionText(r: NonNullable<AllergyIntolerance['reaction']>[number]): string | undefined {
  const what = joined(
    (r.manifestation ?? []).map((m) => conceptText(m)),
    ', ',
  );
  const severity = r.severity ? `(${r.severity})` : undefined;
  const substance = conceptText(r.substance);
  return joined([joined([what, severity], ' '), substance && `substance: ${substance}`, dateText(r.onset)], '; ');
}

/** AllergyIntolerance: criticality and reactions first, as the receiving office needs them before prescribing. */
export function allergyEntry(a: AllergyIntolerance): PacketEntry {
  return {
    title: conceptText(a.code) ?? 'Allergy',
    rows: rows(
      ['Criticality', humanize(a.criticality)],
      each(
        'Reaction',
        (a.reaction ?? []).flatMap((r) => reactionText(r) ?? []),
      ),
      ['Type', humanize(a.type)],
      ['Category', joined((a.category ?? []).map(humanize), ', ')],
      ['Clinical status', statusText(a.clinicalStatus)],
      ['Verification', statusText(a.verificationStatus)],
      ['Onset', dateText(a.onsetDateTime) ?? periodText(a.onsetPeriod) ?? quantityText(a.onsetAge) ?? a.onsetString],
      ['Recorded', dateText(a.recordedDate)],
      each('Note', notesText(a.note)),
    ),
  };
}

type ValueBearer = Pick<
  ObservationComponent,
  | 'valueQuantity'
  | 'valueCodeableConcept'
  | 'valueString'
  | 'valueBoolean'
  | 'valueInteger'
  | 'valueRange'
  | 'valueRatio'
  | 'valueTime'
  | 'valueDateTime'
  | 'valuePeriod'
  | 'dataAbsentReason'
>;

/** value[x] of an Observation or component; a dataAbsentReason says why there is none. */
function valueText(o: ValueBearer): string | undefined {
  const bool = o.valueBoolean === undefined ? undefined : o.valueBoolean ? 'Yes' : 'No';
  const value =
    quantityText(o.valueQuantity) ??
    conceptText(o.valueCodeableConcept) ??
    o.valueString ??
    bool ??
    (o.valueInteger === undefined ? undefined : decimalText(o.valueInteger)) ??
    rangeText(o.valueRange) ??
    ratioText(o.valueRatio) ??
    o.valueTime ??
    dateText(o.valueDateTime) ??
    periodText(o.valuePeriod);
  const absent = statusText(o.dataAbsentReason);
  return value ?? (absent ? `No value: ${absent}` : undefined);
}

const referenceRangeText = (r: ObservationReferenceRange): string | undefined =>
  r.text ?? rangeText({ low: r.low, high: r.high });

/** Observation: value (or each component, e.g. systolic and diastolic pressure), interpretation, range, date. */
export function observationEntry(o: Observation): PacketEntry {
  const components = (o.component ?? []).flatMap((c) => {
    const value = valueText(c);
    return value ? [{ label: conceptText(c.code) ?? 'Component', value }] : [];
  });
  return {
    title: conceptText(o.code) ?? 'Observation',
    rows: rows(
      ['Value', valueText(o)],
      components,
      ['Interpretation', conceptsText(o.interpretation)],
      ['Reference range', joined((o.referenceRange ?? []).map(referenceRangeText), '; ')],
      [
        'Date',
        dateText(o.effectiveDateTime) ??
          periodText(o.effectivePeriod) ??
          dateText(o.effectiveInstant) ??
          dateText(o.issued),
      ],
      // Final is the normal case; a preliminary or corrected result is worth a second look.
      ['Status', o.status === 'final' ? undefined : humanize(o.status)],
      each('Note', notesText(o.note)),
    ),
  };
}

/** DiagnosticReport: conclusion, the results it groups (by their display), date and any attached report. */
export function diagnosticReportEntry(r: DiagnosticReport): PacketEntry {
  return {
    title: conceptText(r.code) ?? 'Report',
    rows: rows(
      ['Conclusion', r.conclusion],
      ['Findings', conceptsText(r.conclusionCode)],
      [
        'Includes',
        joined(
          (r.result ?? []).map((x) => x.display),
          '; ',
        ),
      ],
      ['Date', dateText(r.effectiveDateTime) ?? periodText(r.effectivePeriod) ?? dateText(r.issued)],
      ['Status', r.status === 'final' ? undefined : humanize(r.status)],
      each(
        'Report',
        (r.presentedForm ?? []).flatMap((a) => attachmentText(a) ?? []),
      ),
    ),
  };
}

/**
 * Whether the bytes travel with the packet: inline data only. A `url` usually points at a Binary on our server, which
 * the receiving office cannot open, so it is described as not included rather than promised.
 */
const isAttached = (a: Attachment): boolean => Boolean(a.data);

const sizeText = (bytes: number | undefined): string | undefined =>
  bytes === undefined ? undefined : bytes < 1024 ? `${bytes} B` : `${decimalText(Math.round(bytes / 102.4) / 10)} kB`;

/** `Discharge summary.pdf (application/pdf, 52.3 kB), attached`. */
function attachmentText(a: Attachment): string | undefined {
  const about = joined([a.contentType, sizeText(a.size)], ', ');
  const what = joined([a.title, about && (a.title ? `(${about})` : about)], ' ');
  return joined([what, isAttached(a) ? 'attached' : 'not included'], ', ');
}

/** DocumentReference: title, type, date, authors and each content with its type and whether it is attached. */
export function documentEntry(d: DocumentReference): PacketEntry {
  const title = d.description ?? d.content?.map((c) => c.attachment.title).find(Boolean) ?? conceptText(d.type);
  return {
    title: title ?? 'Document',
    rows: rows(
      ['Type', conceptText(d.type)],
      ['Category', conceptsText(d.category)],
      ['Date', dateText(d.date) ?? periodText(d.context?.period) ?? dateText(d.content?.[0]?.attachment.creation)],
      [
        'Author',
        joined(
          (d.author ?? []).map((a) => a.display),
          '; ',
        ),
      ],
      each(
        'Content',
        (d.content ?? []).flatMap((c) => attachmentText(c.attachment) ?? []),
      ),
    ),
  };
}
