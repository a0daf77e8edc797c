import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { distanceKm } from './geo.ts';

const R = 6371.0088;
const p = (latitude: number, longitude: number) => ({ latitude, longitude });

describe('great-circle distance (haversine)', () => {
  // Published great-circle distances on the WGS 84 ellipsoid (e.g. Great Circle Mapper: JFK–LHR 3,451 mi). A sphere
  // is within ~0.5 % of the ellipsoid, so that is the tolerance.
  test.each([
    ['London – Paris', p(51.5074, -0.1278), p(48.8566, 2.3522), 344],
    ['New York – Los Angeles', p(40.7128, -74.006), p(34.0522, -118.2437), 3944],
    ['JFK – Heathrow', p(40.6413, -73.7781), p(51.47, -0.4543), 5554],
    ['Sydney – Melbourne', p(-33.8688, 151.2093), p(-37.8136, 144.9631), 713],
  ])('%s ≈ %i km', (_name, a, b, km) => {
    expect(Math.abs(distanceKm(a, b) - km) / km).toBeLessThan(0.005);
  });

  // Exact on the sphere, worked out from the radius alone.
  test.each([
    ['a point to itself', p(29.76, -95.37), p(29.76, -95.37), 0],
    ['equator to the pole: a quarter of a great circle', p(0, 0), p(90, 0), (Math.PI * R) / 2],
    ['antipodes: half a great circle', p(0, 0), p(0, 180), Math.PI * R],
    ['one degree of longitude at the equator', p(0, 10), p(0, 11), (2 * Math.PI * R) / 360],
    ['across the antimeridian: 179.5°E to 179.5°W is one degree', p(0, 179.5), p(0, -179.5), (2 * Math.PI * R) / 360],
  ])('%s', (_name, a, b, km) => {
    expect(distanceKm(a, b)).toBeCloseTo(km, 6);
  });

  test('property: symmetric, non-negative, at most half the circumference, and equal to the law of cosines', () => {
    const arb = fc.record({
      latitude: fc.double({ min: -90, max: 90, noNaN: true }),
      longitude: fc.double({ min: -180, max: 180, noNaN: true }),
    });
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        const d = distanceKm(a, b);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.PI * R + 1e-9);
        expect(distanceKm(b, a)).toBeCloseTo(d, 9);
        // The spherical law of cosines is the same distance by another formula; it loses digits only when short.
        const r = (x: number) => (x * Math.PI) / 180;
        const cos =
          Math.sin(r(a.latitude)) * Math.sin(r(b.latitude)) +
          Math.cos(r(a.latitude)) * Math.cos(r(b.latitude)) * Math.cos(r(b.longitude - a.longitude));
        if (d > 10) expect(Math.abs(d - R * Math.acos(Math.max(-1, Math.min(1, cos))))).toBeLessThan(1e-3);
      }),
    );
  });

  test('coordinates out of range are refused', () => {
    expect(() => distanceKm(p(91, 0), p(0, 0))).toThrow('from.latitude: must be between -90 and 90');
    expect(() => distanceKm(p(0, 0), p(0, Number.NaN))).toThrow('to.longitude: must be between -180 and 180');
  });
});
