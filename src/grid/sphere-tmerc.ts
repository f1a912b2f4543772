/**
 * Transverse Mercator on a sphere (a model grid on a sphere of radius R): proj4's exact
 * (Poder/Engsager) form refuses a sphere ("Incorrect elliptical usage"), so such CRSs could be
 * neither written nor transformed. Its older form, which `+approx` (or WKT's
 * `Fast_Transverse_Mercator`) selects, is exact on a sphere, as PROJ's own spherical form is.
 */
export function onSphere(def: string): string {
  if (def.startsWith("+")) {
    if (!/\+proj=(?:tmerc|etmerc)\b/.test(def) || /\+approx\b/.test(def)) return def;
    const a = /\+a=(\S+)/.exec(def)?.[1];
    const b = /\+b=(\S+)/.exec(def)?.[1];
    const sphere =
      /\+R=/.test(def) || /\+rf=0(?:\s|$)/.test(def) || /\+ellps=sphere\b/.test(def) || (a !== undefined && a === b);
    return sphere ? def.replace(/\+proj=(?:tmerc|etmerc)\b/, "+proj=tmerc +approx") : def;
  }
  // WKT 1: an inverse flattening of 0 is a sphere.
  if (
    !/PROJECTION\["Transverse_Mercator"\]/i.test(def) ||
    !/SPHEROID\["[^"]*",\s*[\d.eE+]+,\s*0(?:\.0*)?\s*[\],]/i.test(def)
  )
    return def;
  return def.replace(/PROJECTION\["Transverse_Mercator"\]/i, 'PROJECTION["Fast_Transverse_Mercator"]');
}
