import { clinicLocationId, LOCATIONS, type LocationDef } from './facilities.ts';

/**
 * Exam rooms: Locations with physical type `ro`, part of the clinic building or hospital wing where visits happen,
 * each with its own Schedule, so a visit books a room as well as a clinician and two visits never share one.
 */

/** Rooms per outpatient site: about one and a half per clinician on a busy day. */
const ROOM_COUNTS: Readonly<Record<string, readonly [count: number, name: string]>> = {
  [clinicLocationId('heights')]: [6, 'Exam Room'],
  [clinicLocationId('bellaire')]: [6, 'Exam Room'],
  [clinicLocationId('east-end')]: [6, 'Exam Room'],
  [clinicLocationId('sugar-land')]: [5, 'Exam Room'],
  'demo-loc-heart': [3, 'Exam Room'],
  'demo-loc-cancer': [3, 'Exam Room'],
  'demo-loc-ortho': [3, 'Exam Room'],
  'demo-loc-endo': [2, 'Exam Room'],
  'demo-loc-rehab': [3, 'Treatment Room'],
  'demo-loc-behavioral': [3, 'Consultation Room'],
};

/** A room and the site Location it is part of. */
export type RoomDef = LocationDef & { partOf: string };

/** Every exam room, by site in the order of {@link LOCATIONS}. */
export const ROOMS: readonly RoomDef[] = LOCATIONS.flatMap((site) => {
  const [count, name] = ROOM_COUNTS[site.id] ?? [0, ''];
  return Array.from(
    { length: count },
    (_, i): RoomDef => ({
      id: `${site.id}-room-${i + 1}`,
      name: `${site.name} – ${name} ${i + 1}`,
      site: site.site,
      type: site.type,
      physicalType: ['ro', 'Room'],
      partOf: site.id,
      isAlwaysOpen: false,
    }),
  );
});
