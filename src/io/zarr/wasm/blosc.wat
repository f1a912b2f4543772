;; Blosc 1 inner loops for tilecast's LZ4 path: LZ4 block decoding and byte unshuffling; and
;; TIFF's floating-point predictor, undone and applied (a byte-plane transpose too), for GeoTIFF.
;; Source of src/io/zarr/wasm/blosc-wasm.ts (regenerate with `npm run wasm`).
;;
;; The caller lays out the memory and leaves at least 64 spare bytes after every region a
;; function writes: copies move 16 bytes at a time and may run up to 15 bytes past the end of
;; a run. Bytes past the end of a stream are always written again later (the next run, the next
;; stream of the block) or fall in the spare bytes.
(module
  (memory (export "memory") 1)

  ;; Decode the LZ4 block at src[s, s1) into dst[d, d1). Returns the end in dst, or -1 when the
  ;; block is malformed: a run past either end, a match before the start of dst or at offset 0.
  (func (export "lz4") (param $s i32) (param $s1 i32) (param $d i32) (param $d1 i32) (result i32)
    (local $d0 i32) (local $token i32) (local $len i32) (local $b i32) (local $off i32)
    (local $m i32) (local $end i32) (local $i i32) (local $step i32) (local $pat v128)
    (local.set $d0 (local.get $d))
    (block $bad
      (block $done
        (loop $seq
          (br_if $done (i32.ge_u (local.get $s) (local.get $s1)))
          (local.set $token (i32.load8_u (local.get $s)))
          (local.set $s (i32.add (local.get $s) (i32.const 1)))
          ;; literals: 4-bit length, 15 means more length bytes follow
          (local.set $len (i32.shr_u (local.get $token) (i32.const 4)))
          (if (i32.eq (local.get $len) (i32.const 15))
            (then
              (loop $more
                (br_if $bad (i32.ge_u (local.get $s) (local.get $s1)))
                (local.set $b (i32.load8_u (local.get $s)))
                (local.set $s (i32.add (local.get $s) (i32.const 1)))
                (local.set $len (i32.add (local.get $len) (local.get $b)))
                (br_if $more (i32.eq (local.get $b) (i32.const 255))))))
          (br_if $bad (i32.gt_u (local.get $len) (i32.sub (local.get $d1) (local.get $d))))
          (br_if $bad (i32.gt_u (local.get $len) (i32.sub (local.get $s1) (local.get $s))))
          (if (i32.le_u (local.get $len) (i32.const 16))
            (then (v128.store (local.get $d) (v128.load (local.get $s))))
            (else (memory.copy (local.get $d) (local.get $s) (local.get $len))))
          (local.set $s (i32.add (local.get $s) (local.get $len)))
          (local.set $d (i32.add (local.get $d) (local.get $len)))
          (br_if $done (i32.ge_u (local.get $s) (local.get $s1))) ;; the last run has no match
          ;; match: 2-byte offset back into dst, then a 4-bit length (+4), 15 means more bytes
          (br_if $bad (i32.gt_u (i32.add (local.get $s) (i32.const 2)) (local.get $s1)))
          (local.set $off (i32.load16_u (local.get $s)))
          (local.set $s (i32.add (local.get $s) (i32.const 2)))
          (local.set $len (i32.and (local.get $token) (i32.const 15)))
          (if (i32.eq (local.get $len) (i32.const 15))
            (then
              (loop $more
                (br_if $bad (i32.ge_u (local.get $s) (local.get $s1)))
                (local.set $b (i32.load8_u (local.get $s)))
                (local.set $s (i32.add (local.get $s) (i32.const 1)))
                (local.set $len (i32.add (local.get $len) (local.get $b)))
                (br_if $more (i32.eq (local.get $b) (i32.const 255))))))
          (local.set $len (i32.add (local.get $len) (i32.const 4)))
          (br_if $bad (i32.eqz (local.get $off)))
          (br_if $bad (i32.gt_u (local.get $off) (i32.sub (local.get $d) (local.get $d0))))
          (br_if $bad (i32.gt_u (local.get $len) (i32.sub (local.get $d1) (local.get $d))))
          (local.set $m (i32.sub (local.get $d) (local.get $off)))
          (local.set $end (i32.add (local.get $d) (local.get $len)))
          (if (i32.ge_u (local.get $off) (i32.const 16))
            (then
              ;; 16 bytes at a time: each load lies wholly before the bytes it is stored to
              (local.set $i (i32.const 0))
              (loop $copy
                (v128.store (i32.add (local.get $d) (local.get $i))
                  (v128.load (i32.add (local.get $m) (local.get $i))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br_if $copy (i32.lt_u (local.get $i) (local.get $len)))))
            (else
              (if (i32.eq (local.get $off) (i32.const 1))
                (then (memory.fill (local.get $d) (i32.load8_u (local.get $m)) (local.get $len)))
                (else
                  ;; overlapping: the `off` bytes before d repeat. Spread them over 16 lanes (lane k
                  ;; takes byte k mod off) and store that pattern every `step` bytes, the largest
                  ;; multiple of `off` up to 16, so that each store starts where the pattern does.
                  (block $spread
                    (block $o15
                    (block $o14
                    (block $o13
                    (block $o12
                    (block $o11
                    (block $o10
                    (block $o9
                    (block $o8
                    (block $o7
                    (block $o6
                    (block $o5
                    (block $o4
                    (block $o3
                    (block $o2
                      (br_table $o2 $o3 $o4 $o5 $o6 $o7 $o8 $o9 $o10 $o11 $o12 $o13 $o14 $o15 (i32.sub (local.get $off) (i32.const 2))))
                    (local.set $pat (v128.const i8x16 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1)) (local.set $step (i32.const 16)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 0 1 2 0 1 2 0 1 2 0 1 2 0)) (local.set $step (i32.const 15)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3)) (local.set $step (i32.const 16)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 4 0 1 2 3 4 0 1 2 3 4 0)) (local.set $step (i32.const 15)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 4 5 0 1 2 3 4 5 0 1 2 3)) (local.set $step (i32.const 12)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 4 5 6 0 1 2 3 4 5 6 0 1)) (local.set $step (i32.const 14)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7)) (local.set $step (i32.const 16)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 4 5 6 7 8 0 1 2 3 4 5 6)) (local.set $step (i32.const 9)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5)) (local.set $step (i32.const 10)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 0 1 2 3 4)) (local.set $step (i32.const 11)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 0 1 2 3)) (local.set $step (i32.const 12)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 0 1 2)) (local.set $step (i32.const 13)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 0 1)) (local.set $step (i32.const 14)) (br $spread))
                    (local.set $pat (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 0)) (local.set $step (i32.const 15)))
                  (local.set $pat (i8x16.swizzle (v128.load (local.get $m)) (local.get $pat)))
                  (local.set $i (i32.const 0))
                  (loop $pattern
                    (v128.store (i32.add (local.get $d) (local.get $i)) (local.get $pat))
                    (local.set $i (i32.add (local.get $i) (local.get $step)))
                    (br_if $pattern (i32.lt_u (local.get $i) (local.get $len))))))))
          (local.set $d (local.get $end))
          (br $seq)))
      (return (local.get $d)))
    (i32.const -1))

  ;; Undo Blosc's byte shuffle of n bytes of `ts`-byte values: src holds ts planes of
  ;; floor(n / ts) bytes each (byte j of every value), then any leftover bytes as they were.
  (func (export "unshuffle") (param $src i32) (param $dst i32) (param $n i32) (param $ts i32)
    (local $count i32) (local $i i32) (local $j i32) (local $q i32)
    (local $a v128) (local $b v128) (local $c v128) (local $e v128)
    (local $lo v128) (local $hi v128) (local $lo2 v128) (local $hi2 v128)
    (local.set $count (i32.div_u (local.get $n) (local.get $ts)))
    (local.set $i (i32.const 0))
    (if (i32.eq (local.get $ts) (i32.const 4))
      (then
        ;; 16 values per step: interleave planes 0/1 and 2/3 bytewise, then the pairs 16-bit-wise
        (local.set $q (i32.and (local.get $count) (i32.const -16)))
        (if (local.get $q)
          (then
            (loop $simd
              (local.set $a (v128.load (i32.add (local.get $src) (local.get $i))))
              (local.set $b (v128.load (i32.add (local.get $src) (i32.add (local.get $count) (local.get $i)))))
              (local.set $c (v128.load (i32.add (local.get $src)
                (i32.add (i32.shl (local.get $count) (i32.const 1)) (local.get $i)))))
              (local.set $e (v128.load (i32.add (local.get $src)
                (i32.add (i32.mul (local.get $count) (i32.const 3)) (local.get $i)))))
              (local.set $lo (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $a) (local.get $b)))
              (local.set $hi (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $a) (local.get $b)))
              (local.set $lo2 (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $c) (local.get $e)))
              (local.set $hi2 (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $c) (local.get $e)))
              (v128.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
                (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $lo) (local.get $lo2)))
              (v128.store offset=16 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
                (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $lo) (local.get $lo2)))
              (v128.store offset=32 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
                (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $hi) (local.get $hi2)))
              (v128.store offset=48 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
                (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $hi) (local.get $hi2)))
              (local.set $i (i32.add (local.get $i) (i32.const 16)))
              (br_if $simd (i32.lt_u (local.get $i) (local.get $q))))))))
    (if (i32.eq (local.get $ts) (i32.const 2))
      (then
        (local.set $q (i32.and (local.get $count) (i32.const -16)))
        (if (local.get $q)
          (then
            (loop $simd2
              (local.set $a (v128.load (i32.add (local.get $src) (local.get $i))))
              (local.set $b (v128.load (i32.add (local.get $src) (i32.add (local.get $count) (local.get $i)))))
              (v128.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 1)))
                (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $a) (local.get $b)))
              (v128.store offset=16 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 1)))
                (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $a) (local.get $b)))
              (local.set $i (i32.add (local.get $i) (i32.const 16)))
              (br_if $simd2 (i32.lt_u (local.get $i) (local.get $q))))))))
    ;; the values left (all of them for other type sizes), one byte at a time
    (if (i32.lt_u (local.get $i) (local.get $count))
      (then
        (local.set $j (i32.const 0))
        (loop $plane
          (local.set $q (local.get $i))
          (loop $value
            (i32.store8
              (i32.add (local.get $dst) (i32.add (i32.mul (local.get $q) (local.get $ts)) (local.get $j)))
              (i32.load8_u (i32.add (local.get $src)
                (i32.add (i32.mul (local.get $j) (local.get $count)) (local.get $q)))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br_if $value (i32.lt_u (local.get $q) (local.get $count))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $plane (i32.lt_u (local.get $j) (local.get $ts))))))
    ;; leftover bytes (n not a multiple of ts) are stored unshuffled
    (local.set $q (i32.mul (local.get $count) (local.get $ts)))
    (memory.copy (i32.add (local.get $dst) (local.get $q)) (i32.add (local.get $src) (local.get $q))
      (i32.sub (local.get $n) (local.get $q))))

  ;; Undo TIFF predictor 3 (Adobe TN3) on `rows` rows of `row_bytes` bytes at p, for 4-byte
  ;; values with `spp` samples per pixel, in place. Each row: a byte-wise running sum with stride
  ;; spp, then its four byte planes (most significant first) gathered into little-endian values.
  ;; `tmp` is row_bytes + 64 bytes of scratch. The running sum for spp = 1 adds 16 bytes at a
  ;; time: prefix sums within the vector by shifts of 1, 2, 4 and 8 bytes, then the carry.
  (func (export "fp_undo32") (param $p i32) (param $row_bytes i32) (param $rows i32) (param $spp i32) (param $tmp i32)
    (local $row i32) (local $r i32) (local $i i32) (local $n16 i32) (local $acc i32)
    (local $v v128) (local $carry v128) (local $zero v128)
    (local $count i32) (local $q i32) (local $j i32)
    (local $a v128) (local $b v128) (local $c v128) (local $e v128)
    (local $lo v128) (local $hi v128) (local $lo2 v128) (local $hi2 v128)
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (local.set $count (i32.shr_u (local.get $row_bytes) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.add (local.get $p) (i32.mul (local.get $r) (local.get $row_bytes))))
        ;; the running sum
        (if (i32.eq (local.get $spp) (i32.const 1))
          (then
            (local.set $carry (local.get $zero))
            (local.set $n16 (i32.and (local.get $row_bytes) (i32.const -16)))
            (local.set $i (i32.const 0))
            (block $sum_done
              (loop $sum
                (br_if $sum_done (i32.ge_u (local.get $i) (local.get $n16)))
                (local.set $v (v128.load (i32.add (local.get $row) (local.get $i))))
                (local.set $v (i8x16.add (local.get $v)
                  (i8x16.shuffle 0 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 (local.get $zero) (local.get $v))))
                (local.set $v (i8x16.add (local.get $v)
                  (i8x16.shuffle 0 0 16 17 18 19 20 21 22 23 24 25 26 27 28 29 (local.get $zero) (local.get $v))))
                (local.set $v (i8x16.add (local.get $v)
                  (i8x16.shuffle 0 0 0 0 16 17 18 19 20 21 22 23 24 25 26 27 (local.get $zero) (local.get $v))))
                (local.set $v (i8x16.add (local.get $v)
                  (i8x16.shuffle 0 0 0 0 0 0 0 0 16 17 18 19 20 21 22 23 (local.get $zero) (local.get $v))))
                (local.set $v (i8x16.add (local.get $v) (local.get $carry)))
                (v128.store (i32.add (local.get $row) (local.get $i)) (local.get $v))
                (local.set $carry (i8x16.shuffle 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 (local.get $v) (local.get $v)))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $sum)))
            (local.set $acc (i8x16.extract_lane_u 0 (local.get $carry)))
            (block $tail_done
              (loop $tail
                (br_if $tail_done (i32.ge_u (local.get $i) (local.get $row_bytes)))
                (local.set $acc (i32.and (i32.add (local.get $acc)
                  (i32.load8_u (i32.add (local.get $row) (local.get $i)))) (i32.const 255)))
                (i32.store8 (i32.add (local.get $row) (local.get $i)) (local.get $acc))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $tail))))
          (else
            (local.set $i (local.get $spp))
            (block $strided_done
              (loop $strided
                (br_if $strided_done (i32.ge_u (local.get $i) (local.get $row_bytes)))
                (i32.store8 (i32.add (local.get $row) (local.get $i))
                  (i32.add (i32.load8_u (i32.add (local.get $row) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $row) (i32.sub (local.get $i) (local.get $spp))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $strided)))))
        ;; the planes, most significant first, gathered into little-endian values
        (memory.copy (local.get $tmp) (local.get $row) (local.get $row_bytes))
        (local.set $q (i32.and (local.get $count) (i32.const -16)))
        (local.set $j (i32.const 0))
        (block $gather_done
          (loop $gather
            (br_if $gather_done (i32.ge_u (local.get $j) (local.get $q)))
            ;; a..e: the least to the most significant plane (planes 3, 2, 1, 0)
            (local.set $a (v128.load (i32.add (local.get $tmp)
              (i32.add (i32.mul (local.get $count) (i32.const 3)) (local.get $j)))))
            (local.set $b (v128.load (i32.add (local.get $tmp)
              (i32.add (i32.shl (local.get $count) (i32.const 1)) (local.get $j)))))
            (local.set $c (v128.load (i32.add (local.get $tmp) (i32.add (local.get $count) (local.get $j)))))
            (local.set $e (v128.load (i32.add (local.get $tmp) (local.get $j))))
            (local.set $lo (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $a) (local.get $b)))
            (local.set $hi (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $a) (local.get $b)))
            (local.set $lo2 (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $c) (local.get $e)))
            (local.set $hi2 (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $c) (local.get $e)))
            (v128.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))
              (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $lo) (local.get $lo2)))
            (v128.store offset=16 (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))
              (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $lo) (local.get $lo2)))
            (v128.store offset=32 (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))
              (i8x16.shuffle 0 1 16 17 2 3 18 19 4 5 20 21 6 7 22 23 (local.get $hi) (local.get $hi2)))
            (v128.store offset=48 (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))
              (i8x16.shuffle 8 9 24 25 10 11 26 27 12 13 28 29 14 15 30 31 (local.get $hi) (local.get $hi2)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $gather)))
        (block $rest_done
          (loop $rest
            (br_if $rest_done (i32.ge_u (local.get $j) (local.get $count)))
            (i32.store (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))
              (i32.or
                (i32.or
                  (i32.shl (i32.load8_u (i32.add (local.get $tmp) (local.get $j))) (i32.const 24))
                  (i32.shl (i32.load8_u (i32.add (local.get $tmp) (i32.add (local.get $count) (local.get $j)))) (i32.const 16)))
                (i32.or
                  (i32.shl (i32.load8_u (i32.add (local.get $tmp)
                    (i32.add (i32.shl (local.get $count) (i32.const 1)) (local.get $j)))) (i32.const 8))
                  (i32.load8_u (i32.add (local.get $tmp)
                    (i32.add (i32.mul (local.get $count) (i32.const 3)) (local.get $j)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $rest)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each_row))))

  ;; Apply TIFF predictor 3 to `rows` rows of `row_bytes` bytes at p, 4-byte values, in place:
  ;; each row's values scattered into byte planes (most significant first) in `tmp`, then each
  ;; byte stored as its difference from the byte `spp` before it (16 at a time).
  (func (export "fp_apply32") (param $p i32) (param $row_bytes i32) (param $rows i32) (param $spp i32) (param $tmp i32)
    (local $row i32) (local $r i32) (local $i i32) (local $count i32) (local $q i32) (local $j i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $x01 v128) (local $y01 v128) (local $x23 v128) (local $y23 v128) (local $at i32) (local $x i32)
    (local.set $count (i32.shr_u (local.get $row_bytes) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.add (local.get $p) (i32.mul (local.get $r) (local.get $row_bytes))))
        ;; scatter: 16 values (64 bytes) per step
        (local.set $q (i32.and (local.get $count) (i32.const -16)))
        (local.set $j (i32.const 0))
        (block $scatter_done
          (loop $scatter
            (br_if $scatter_done (i32.ge_u (local.get $j) (local.get $q)))
            (local.set $at (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $v0 (v128.load (local.get $at)))
            (local.set $v1 (v128.load offset=16 (local.get $at)))
            (local.set $v2 (v128.load offset=32 (local.get $at)))
            (local.set $v3 (v128.load offset=48 (local.get $at)))
            (local.set $x01 (i8x16.shuffle 3 7 11 15 19 23 27 31 2 6 10 14 18 22 26 30 (local.get $v0) (local.get $v1)))
            (local.set $y01 (i8x16.shuffle 1 5 9 13 17 21 25 29 0 4 8 12 16 20 24 28 (local.get $v0) (local.get $v1)))
            (local.set $x23 (i8x16.shuffle 3 7 11 15 19 23 27 31 2 6 10 14 18 22 26 30 (local.get $v2) (local.get $v3)))
            (local.set $y23 (i8x16.shuffle 1 5 9 13 17 21 25 29 0 4 8 12 16 20 24 28 (local.get $v2) (local.get $v3)))
            (v128.store (i32.add (local.get $tmp) (local.get $j))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x01) (local.get $x23)))
            (v128.store (i32.add (local.get $tmp) (i32.add (local.get $count) (local.get $j)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x01) (local.get $x23)))
            (v128.store (i32.add (local.get $tmp) (i32.add (i32.shl (local.get $count) (i32.const 1)) (local.get $j)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $y01) (local.get $y23)))
            (v128.store (i32.add (local.get $tmp) (i32.add (i32.mul (local.get $count) (i32.const 3)) (local.get $j)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $y01) (local.get $y23)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $scatter)))
        (block $rest_done
          (loop $rest
            (br_if $rest_done (i32.ge_u (local.get $j) (local.get $count)))
            (local.set $x (i32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
            (i32.store8 (i32.add (local.get $tmp) (local.get $j)) (i32.shr_u (local.get $x) (i32.const 24)))
            (i32.store8 (i32.add (local.get $tmp) (i32.add (local.get $count) (local.get $j)))
              (i32.shr_u (local.get $x) (i32.const 16)))
            (i32.store8 (i32.add (local.get $tmp) (i32.add (i32.shl (local.get $count) (i32.const 1)) (local.get $j)))
              (i32.shr_u (local.get $x) (i32.const 8)))
            (i32.store8 (i32.add (local.get $tmp) (i32.add (i32.mul (local.get $count) (i32.const 3)) (local.get $j)))
              (local.get $x))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $rest)))
        ;; differences: the first spp bytes as they are, then each minus the byte spp before it
        (local.set $i (i32.const 0))
        (block $head_done
          (loop $head
            (br_if $head_done (i32.ge_u (local.get $i) (select (local.get $spp) (local.get $row_bytes)
              (i32.lt_u (local.get $spp) (local.get $row_bytes)))))
            (i32.store8 (i32.add (local.get $row) (local.get $i)) (i32.load8_u (i32.add (local.get $tmp) (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $head)))
        (block $diff_done
          (loop $diff
            (br_if $diff_done (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $row_bytes)))
            (v128.store (i32.add (local.get $row) (local.get $i))
              (i8x16.sub (v128.load (i32.add (local.get $tmp) (local.get $i)))
                (v128.load (i32.add (local.get $tmp) (i32.sub (local.get $i) (local.get $spp))))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $diff)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $i) (local.get $row_bytes)))
            (i32.store8 (i32.add (local.get $row) (local.get $i))
              (i32.sub (i32.load8_u (i32.add (local.get $tmp) (local.get $i)))
                (i32.load8_u (i32.add (local.get $tmp) (i32.sub (local.get $i) (local.get $spp))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each_row))))
)
