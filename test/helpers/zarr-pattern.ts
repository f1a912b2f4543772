/** Known values of the Zarr fixtures, mirrored from fixtures/zarr/generate.py `pattern()`. */
export function zpattern(index: readonly number[], scale = 0.5, offset = -40): number {
  const weights = [17, 7, 3, 1].slice(-index.length);
  const v = index.reduce((acc, i, d) => acc + (weights[d] as number) * i, 0) % 251;
  return v * scale + offset;
}

export const zfixture = (name: string) => `fixtures/zarr/${name}`;
export const ERA5 = zfixture("era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr");
export const CODECS = zfixture("codecs.5x7.chunks2x3.zarr");
