/** The worklist as the server answers it (`GET /fhir/R4/Task/$worklist`, docs/worklist.md), shaped for the screen. */
export type WorkItem = Readonly<{
  id: string;
  /** What kind of task, in the record's words; undefined when it has no code (the screen says "Task"). */
  type?: string | undefined;
  /** CareLoop's code for the kind of task (its task-type code system), for the screen to name in the user's language. */
  kind?: string | undefined;
  description: string;
  priority: string;
  status: string;
  due?: string | undefined;
  patient?: string | undefined;
  owner?: string | undefined;
  score: number;
  reasons: readonly string[];
}>;

type Coding = { system?: string; code?: string; display?: string };
const TASK_TYPE_SYSTEM = 'https://careloop.dev/fhir/CodeSystem/task-type';
type TaskResource = {
  id: string;
  code?: { coding?: Coding[]; text?: string };
  description?: string;
  priority?: string;
  status: string;
  restriction?: { period?: { end?: string } };
  for?: { reference?: string };
  owner?: { reference?: string };
};
export type WorklistBundle = {
  total?: number;
  entry?: { resource?: TaskResource; search?: { score?: number; extension?: { valueString?: string }[] } }[];
};

export function workItems(bundle: WorklistBundle): WorkItem[] {
  return (bundle.entry ?? []).flatMap((e) => {
    const t = e.resource;
    if (!t) return [];
    return [
      {
        id: t.id,
        type: t.code?.text ?? t.code?.coding?.[0]?.display ?? t.code?.coding?.[0]?.code,
        kind: t.code?.coding?.find((c) => c.system === TASK_TYPE_SYSTEM)?.code,
        description: t.description ?? '',
        priority: t.priority ?? 'routine',
        status: t.status,
        due: t.restriction?.period?.end,
        patient: t.for?.reference,
        owner: t.owner?.reference,
        score: e.search?.score ?? 0,
        reasons: (e.search?.extension ?? []).flatMap((x) => (x.valueString ? [x.valueString] : [])),
      },
    ];
  });
}
