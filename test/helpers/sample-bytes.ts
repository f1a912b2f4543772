/**
 * Python source of `data(kind, n, r)`: n bytes of one of five kinds, drawn from random.Random r,
 * for the codec tests that compress with Python and decode with tilecast: "rand" (incompressible),
 * "zeros", "text" (one line repeated), "floats" (noisy float32) and "mixed" (random runs, long
 * matches at random distances and runs of few values). Needs `struct` imported.
 */
export const PY_SAMPLE_BYTES = `
def data(kind, n, r):
    if kind == "rand": return bytes(r.getrandbits(8) for _ in range(n))
    if kind == "zeros": return bytes(n)
    if kind == "text": return (b"the quick brown fox jumps over the lazy dog %d\\n" * (n // 40 + 1))[:n]
    if kind == "floats": return b"".join(struct.pack("<f", r.gauss(0, 1) * (1 + i % 7)) for i in range(n // 4))
    out = bytearray()
    while len(out) < n:
        x = r.random()
        if x < 0.3: out += bytes(r.getrandbits(8) for _ in range(r.randint(1, 50)))
        elif x < 0.6 and len(out) > 10:
            d = r.randint(1, len(out))
            for _ in range(r.randint(2, 300)): out.append(out[-d])
        else: out += bytes([r.randint(0, 3)]) * r.randint(1, 400)
    return bytes(out[:n])
`;
