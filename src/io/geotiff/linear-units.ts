/**
 * The linear unit of a user-defined projected CRS in GeoKeys (`ProjLinearUnitsGeoKey`, or its
 * size in metres in `ProjLinearUnitSizeGeoKey`), and the false easting and northing, which
 * GeoKeys hold in that unit while PROJ's `+x_0` and `+y_0` are always metres. A reader that took
 * every unit for metres would read a grid in US survey feet as metres: 3.28 times too large, and
 * its false easting off by as much.
 *
 * Internal (used by `geokeys.ts` and `geokeys-write.ts`).
 */

/** EPSG units of length by code, in metres (PROJ's database); the PROJ name of those PROJ has one for. */
const UNITS: Record<number, { metres: number; proj?: string }> = {
  9001: { metres: 1, proj: "m" },
  9002: { metres: 0.3048, proj: "ft" },
  9003: { metres: 1200 / 3937, proj: "us-ft" },
  9005: { metres: 0.3047972654 }, // Clarke's foot
  9014: { metres: 1.8288, proj: "fath" },
  9030: { metres: 1852, proj: "kmi" },
  9031: { metres: 1.0000135965 }, // German legal metre
  9033: { metres: (1200 / 3937) * 66, proj: "us-ch" },
  9035: { metres: (1200 / 3937) * 5280, proj: "us-mi" },
  9036: { metres: 1000, proj: "km" },
  9037: { metres: 0.9143917962 }, // Clarke's yard
  9039: { metres: 0.201166195164 }, // Clarke's link
  9040: { metres: 0.9143984146160287 }, // British yard (Sears 1922)
  9042: { metres: 20.116765121552632 }, // British chain (Sears 1922)
  9084: { metres: 0.9143985307444408 }, // Indian yard (PROJ's ind-yd is another)
  9093: { metres: 1609.344, proj: "mi" },
  9096: { metres: 0.9144, proj: "yd" },
  9097: { metres: 20.1168, proj: "ch" },
  9098: { metres: 0.201168, proj: "link" },
};

/** The keys' linear unit: metres per unit and its PROJ term (`+units=us-ft`, or `+to_meter=`). */
export function linearUnitOf(code: number | undefined, size: number | undefined): { metres: number; term: string } {
  const known = code === undefined ? UNITS[9001] : UNITS[code];
  if (known) return { metres: known.metres, term: known.proj ? `+units=${known.proj}` : `+to_meter=${known.metres}` };
  if (size !== undefined && Number.isFinite(size) && size > 0) return { metres: size, term: `+to_meter=${size}` };
  return { metres: 1, term: "+units=m" }; // an unknown code without a size: GDAL takes metres too
}

/** The GeoKeys unit code for `metres` per unit, with the size itself when no code matches. */
export function linearUnitCode(metres: number): { code: number; size?: number } {
  for (const [code, u] of Object.entries(UNITS)) {
    if (Math.abs(u.metres - metres) <= 1e-12 * metres) return { code: Number(code) };
  }
  return { code: 32767, size: metres };
}
