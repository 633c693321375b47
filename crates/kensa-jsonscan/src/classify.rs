//! Turning 64 bytes into bit masks, one bit per byte (bit i is byte i).

use crate::Anchors;

/// The classes of byte the scanner cares about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Masks {
    pub(crate) quote: u64,
    pub(crate) backslash: u64,
    /// `{` or `[`.
    pub(crate) open: u64,
    /// `}` or `]`.
    pub(crate) close: u64,
    /// Any of the anchor bytes.
    pub(crate) anchor: u64,
}

/// `{`/`[` and `}`/`]` differ only in bit 5 (0x20), so OR-ing it in sends
/// both brackets of a kind to one byte, and nothing else there: 0x5B|0x20
/// and 0x7B|0x20 are 0x7B; 0x5D|0x20 and 0x7D|0x20 are 0x7D.
const CASE_BIT: u8 = 0x20;
const OPEN_FOLDED: u8 = b'{';
const CLOSE_FOLDED: u8 = b'}';

pub(crate) trait Classifier {
    /// `N`: how many of `anchors` to look for (the rest are unused).
    fn classify<const N: usize>(block: &[u8; 64], anchors: &Anchors) -> Masks;

    /// See [`crate::prefix_xor`].
    #[inline(always)]
    fn prefix_xor(x: u64) -> u64 {
        crate::prefix_xor(x)
    }

    /// The position of the `n`-th (from 1) set bit of `x`, which has at
    /// least `n` set bits.
    #[inline(always)]
    fn nth_set_bit(mut x: u64, n: u64) -> u32 {
        // The depth, so mostly one or two rounds.
        for _ in 1..n {
            x &= x - 1;
        }
        x.trailing_zeros()
    }
}

/// Any CPU: a byte at a time (LLVM does not vectorize the mask packing).
#[derive(Debug)]
pub(crate) struct Portable;

impl Classifier for Portable {
    #[inline(always)]
    fn classify<const N: usize>(block: &[u8; 64], anchors: &Anchors) -> Masks {
        let mut masks = Masks::default();
        for (i, &byte) in block.iter().enumerate() {
            let bit = 1u64 << i;
            let folded = byte | CASE_BIT;
            if byte == b'"' {
                masks.quote |= bit;
            }
            if byte == b'\\' {
                masks.backslash |= bit;
            }
            if folded == OPEN_FOLDED {
                masks.open |= bit;
            }
            if folded == CLOSE_FOLDED {
                masks.close |= bit;
            }
            if anchors.bytes[..N].contains(&byte) {
                masks.anchor |= bit;
            }
        }
        masks
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) use x86::{Avx512, Sse2};

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use std::arch::x86_64::*;

    use super::{CASE_BIT, CLOSE_FOLDED, Classifier, Masks, OPEN_FOLDED};
    use crate::Anchors;

    /// 16 bytes at a time; every x86-64 CPU has SSE2.
    #[derive(Debug)]
    pub(crate) struct Sse2;

    impl Classifier for Sse2 {
        #[inline(always)]
        fn classify<const N: usize>(block: &[u8; 64], anchors: &Anchors) -> Masks {
            // SAFETY: only inlined into `scan_sse2`, compiled with SSE2
            // (and called only where the CPU has it, which every x86-64
            // CPU does); each load reads 16 of the block's 64 bytes, and
            // `loadu` needs no alignment.
            unsafe {
                let at = block.as_ptr();
                let lanes = [
                    _mm_loadu_si128(at.cast::<__m128i>()),
                    _mm_loadu_si128(at.add(16).cast::<__m128i>()),
                    _mm_loadu_si128(at.add(32).cast::<__m128i>()),
                    _mm_loadu_si128(at.add(48).cast::<__m128i>()),
                ];
                let case = _mm_set1_epi8(CASE_BIT as i8);
                let folded = [
                    _mm_or_si128(lanes[0], case),
                    _mm_or_si128(lanes[1], case),
                    _mm_or_si128(lanes[2], case),
                    _mm_or_si128(lanes[3], case),
                ];
                let mut anchor = 0;
                // A count fixed at compile time keeps the loop unrolled.
                for &byte in &anchors.bytes[..N] {
                    anchor |= sse2_mask(&lanes, byte);
                }
                Masks {
                    quote: sse2_mask(&lanes, b'"'),
                    backslash: sse2_mask(&lanes, b'\\'),
                    open: sse2_mask(&folded, OPEN_FOLDED),
                    close: sse2_mask(&folded, CLOSE_FOLDED),
                    anchor,
                }
            }
        }
    }

    #[inline(always)]
    fn sse2_mask(lanes: &[__m128i; 4], byte: u8) -> u64 {
        // SAFETY: only reached from `Sse2::classify` (see there).
        unsafe {
            let want = _mm_set1_epi8(byte as i8);
            let mut bits = 0u64;
            for (k, lane) in lanes.iter().enumerate() {
                let hit = _mm_movemask_epi8(_mm_cmpeq_epi8(*lane, want)) as u32 as u64;
                bits |= hit << (16 * k);
            }
            bits
        }
    }

    /// 64 bytes at a time: a comparison gives the bit mask directly.
    #[derive(Debug)]
    pub(crate) struct Avx512;

    impl Classifier for Avx512 {
        #[inline(always)]
        fn prefix_xor(x: u64) -> u64 {
            clmul_prefix_xor(x)
        }

        #[inline(always)]
        fn nth_set_bit(x: u64, n: u64) -> u32 {
            // SAFETY: only inlined into `scan_avx512`, compiled with BMI2
            // and called only after its run-time detection. `n` is at
            // least one (the caller's depth) and at most 64 (the set bits
            // of `x`), so the shift is in range.
            unsafe { _pdep_u64(1 << (n - 1), x).trailing_zeros() }
        }

        #[inline(always)]
        fn classify<const N: usize>(block: &[u8; 64], anchors: &Anchors) -> Masks {
            // SAFETY: only inlined into `scan_avx512`, compiled with
            // AVX-512F and BW and called only after run-time detection of
            // both; the load reads the block's 64 bytes, unaligned.
            unsafe {
                let bytes = _mm512_loadu_si512(block.as_ptr().cast::<__m512i>());
                let folded = _mm512_or_si512(bytes, _mm512_set1_epi8(CASE_BIT as i8));
                let mut anchor = 0;
                // As in `Sse2::classify`.
                for &byte in &anchors.bytes[..N] {
                    anchor |= avx512_mask(bytes, byte);
                }
                Masks {
                    quote: avx512_mask(bytes, b'"'),
                    backslash: avx512_mask(bytes, b'\\'),
                    open: avx512_mask(folded, OPEN_FOLDED),
                    close: avx512_mask(folded, CLOSE_FOLDED),
                    anchor,
                }
            }
        }
    }

    #[inline(always)]
    fn avx512_mask(lane: __m512i, byte: u8) -> u64 {
        // SAFETY: only reached from `Avx512::classify` (see there).
        unsafe { _mm512_cmpeq_epi8_mask(lane, _mm512_set1_epi8(byte as i8)) }
    }

    /// The running parity as one carry-less multiplication by all ones.
    #[inline(always)]
    fn clmul_prefix_xor(x: u64) -> u64 {
        // SAFETY: only reached from the AVX-512 scan, compiled
        // with PCLMULQDQ and called only after its run-time detection.
        unsafe {
            let product = _mm_clmulepi64_si128(_mm_set_epi64x(0, x as i64), _mm_set1_epi8(-1), 0);
            _mm_cvtsi128_si64(product) as u64
        }
    }
}
