/** A point on the Earth in decimal degrees (WGS 84), named as FHIR `Location.position` names them. */
export type Coordinates = Readonly<{ latitude: number; longitude: number }>;

/** The IUGG mean Earth radius R₁ = (2a + b) / 3 of the GRS 80 ellipsoid (Moritz, Bulletin Géodésique 54, 1980). */
const EARTH_RADIUS_KM = 6371.0088;

const radians = (deg: number) => (deg * Math.PI) / 180;

function check(p: Coordinates, field: string): void {
  if (!(Math.abs(p.latitude) <= 90)) throw new RangeError(`${field}.latitude: must be between -90 and 90`);
  if (!(Math.abs(p.longitude) <= 180)) throw new RangeError(`${field}.longitude: must be between -180 and 180`);
}

/**
 * The great-circle distance in km between two points, by the haversine formula (R. W. Sinnott, "Virtues of the
 * Haversine", Sky and Telescope 68(2):159, 1984), which stays accurate for short distances where the spherical law
 * of cosines loses digits. On a sphere of the mean radius it is within about 0.5 % of the distance on the ellipsoid:
 * plenty for "how far is the clinic", which is not a road distance anyway.
 */
export function distanceKm(a: Coordinates, b: Coordinates): number {
  check(a, 'from');
  check(b, 'to');
  const dLat = radians(b.latitude - a.latitude);
  const dLon = radians(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  // Rounding can push h a hair above 1 for antipodal points; asin would then be NaN.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
