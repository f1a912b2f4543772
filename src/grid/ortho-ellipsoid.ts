/**
 * The orthographic projection on the ellipsoid, as PROJ (since 7.2) and EPSG (method 9840)
 * define it, in place of proj4's, which is spherical whatever the ellipsoid: an orthographic grid
 * on WGS 84 (CF's `orthographic` mapping, a WKT's Orthographic) was up to 35 km from PROJ's
 * points near its horizon, 1.7 km within 1000 km of its centre. On a sphere it is proj4's again.
 *
 * A point is the ellipsoid's point seen straight down the normal at the origin: x and y are its
 * offsets along the origin's east and north (EPSG Guidance Note 7-2), and the inverse is the
 * near-side meeting of that line of sight with the ellipsoid, solved exactly. Points on the far
 * side (PROJ's test: the geodetic normals more than 90° apart) map to NaN, as proj4's do.
 *
 * Internal (registered with proj4 by `crs.ts`).
 */

/** What proj4 gives a projection (angles in radians, lengths in metres) and what init keeps. */
interface OrthoThis {
  a: number;
  es: number;
  lat0?: number;
  long0?: number;
  x0?: number;
  y0?: number;
  sin0: number;
  cos0: number;
  nu0: number;
}

/** A point proj4 hands a projection, changed in place. */
interface Point {
  x: number;
  y: number;
}

/** `v` in (-π, π]. */
const wrap = (v: number) => v - 2 * Math.PI * Math.round(v / (2 * Math.PI));

function init(this: OrthoThis): void {
  this.sin0 = Math.sin(this.lat0 ?? 0);
  this.cos0 = Math.cos(this.lat0 ?? 0);
  this.nu0 = 1 / Math.sqrt(1 - this.es * this.sin0 * this.sin0);
}

function forward(this: OrthoThis, p: Point): Point {
  const lam = wrap(p.x - (this.long0 ?? 0));
  const [sinphi, cosphi] = [Math.sin(p.y), Math.cos(p.y)];
  const coslam = Math.cos(lam);
  if (this.cos0 * cosphi * coslam + this.sin0 * sinphi < -1e-10) {
    p.x = Number.NaN;
    p.y = Number.NaN;
    return p;
  }
  const nu = 1 / Math.sqrt(1 - this.es * sinphi * sinphi);
  const x = nu * cosphi * Math.sin(lam);
  const y =
    nu * (sinphi * this.cos0 - cosphi * this.sin0 * coslam) +
    this.es * (this.nu0 * this.sin0 - nu * sinphi) * this.cos0;
  p.x = (this.x0 ?? 0) + this.a * x;
  p.y = (this.y0 ?? 0) + this.a * y;
  return p;
}

function inverse(this: OrthoThis, p: Point): Point {
  const e = (p.x - (this.x0 ?? 0)) / this.a;
  const n = (p.y - (this.y0 ?? 0)) / this.a;
  const b2 = 1 - this.es;
  // The plane's point in Earth-centred axes (x through the origin's meridian, unit a), then
  // along the origin's normal (cos0, 0, sin0) to the ellipsoid x² + y² + z²/b² = 1.
  const bx = this.nu0 * this.cos0 - n * this.sin0;
  const bz = this.nu0 * b2 * this.sin0 + n * this.cos0;
  const qa = this.cos0 * this.cos0 + (this.sin0 * this.sin0) / b2;
  const qb = bx * this.cos0 + (bz * this.sin0) / b2;
  const qc = bx * bx + e * e + (bz * bz) / b2 - 1;
  const disc = qb * qb - qa * qc;
  if (disc < 0) {
    p.x = Number.NaN;
    p.y = Number.NaN;
    return p;
  }
  const t = (-qb + Math.sqrt(disc)) / qa;
  const [x, y, z] = [bx + t * this.cos0, e, bz + t * this.sin0];
  p.x = wrap(Math.atan2(y, x) + (this.long0 ?? 0));
  p.y = Math.atan2(z, b2 * Math.hypot(x, y));
  return p;
}

/** The projection as proj4's `Proj.projections.add` takes it. */
export const orthoEllipsoid = { init, forward, inverse, names: ["ortho", "Orthographic"] };
