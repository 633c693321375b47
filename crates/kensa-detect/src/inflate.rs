//! Whole-buffer gzip inflation with libdeflate, telling where the member
//! ended.
//!
//! The `libdeflater` crate's `gzip_decompress` inflates the first gzip
//! member and ignores what follows, without saying where that member
//! ended. A file of several members (`cat a.gz b.gz`) would then lose all
//! but its first, unless the output is checked again (the CRC of all of it
//! against the file's last trailer, which cost as much as 5% of a scan).
//! libdeflate's `_ex` call returns the input it consumed, so one call both
//! inflates and proves the file is one member; libdeflate itself checks
//! the member's CRC-32 and size.

use std::ptr::NonNull;

use libdeflate_sys::{
    libdeflate_alloc_decompressor, libdeflate_decompressor, libdeflate_free_decompressor,
    libdeflate_gzip_decompress_ex,
};

/// libdeflate's `LIBDEFLATE_SUCCESS`.
const SUCCESS: u32 = 0;

/// One libdeflate decompressor (its tables, about 32 KiB).
#[derive(Debug)]
pub(crate) struct Inflater {
    raw: NonNull<libdeflate_decompressor>,
}

/// What inflating the first member did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Inflated {
    /// Input bytes the member took, header and trailer included.
    pub(crate) consumed: usize,
    /// Output bytes written.
    pub(crate) written: usize,
}

impl Inflater {
    /// `None` only if libdeflate could not allocate.
    pub(crate) fn new() -> Option<Inflater> {
        // SAFETY: no arguments; the result is checked for null below.
        #[allow(unsafe_code)]
        let raw = unsafe { libdeflate_alloc_decompressor() };
        NonNull::new(raw).map(|raw| Inflater { raw })
    }

    /// Inflates the gzip member at the start of `input` into `out`.
    /// `None` when the data is not valid gzip, fails its CRC or size check,
    /// or does not fit in `out`.
    pub(crate) fn gzip_member(&mut self, input: &[u8], out: &mut [u8]) -> Option<Inflated> {
        let mut consumed = 0usize;
        let mut written = 0usize;
        // SAFETY: `self.raw` is a live decompressor owned by `self`, used by
        // one thread at a time (`&mut self`); the input and output pointers
        // come from slices with the lengths passed, and libdeflate writes at
        // most `out.len()` bytes to `out` and one `usize` to each result.
        #[allow(unsafe_code)]
        let result = unsafe {
            libdeflate_gzip_decompress_ex(
                self.raw.as_ptr(),
                input.as_ptr().cast(),
                input.len(),
                out.as_mut_ptr().cast(),
                out.len(),
                &mut consumed,
                &mut written,
            )
        };
        (result == SUCCESS).then_some(Inflated { consumed, written })
    }
}

impl Drop for Inflater {
    fn drop(&mut self) {
        // SAFETY: `self.raw` came from `libdeflate_alloc_decompressor` and
        // is freed once, here.
        #[allow(unsafe_code)]
        unsafe {
            libdeflate_free_decompressor(self.raw.as_ptr())
        };
    }
}

// SAFETY: a libdeflate decompressor holds only its own tables, no
// thread-bound state; `&mut self` keeps it to one thread at a time.
#[allow(unsafe_code)]
unsafe impl Send for Inflater {}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn one_member_is_consumed_whole() {
        let input = gzip(b"{\"Records\":[]}");
        let mut out = vec![0; 64];
        let inflated = Inflater::new()
            .unwrap()
            .gzip_member(&input, &mut out)
            .unwrap();
        assert_eq!(inflated.consumed, input.len());
        assert_eq!(&out[..inflated.written], b"{\"Records\":[]}");
    }

    #[test]
    fn a_second_member_is_left_and_bad_data_refused() {
        let mut input = gzip(b"first");
        let first = input.len();
        input.extend(gzip(b"second"));
        let mut out = vec![0; 64];
        let mut inflater = Inflater::new().unwrap();
        let inflated = inflater.gzip_member(&input, &mut out).unwrap();
        assert_eq!(
            (inflated.consumed, &out[..inflated.written]),
            (first, &b"first"[..])
        );
        // Too small an output, a flipped CRC byte: refused.
        assert_eq!(inflater.gzip_member(&input[..first], &mut out[..2]), None);
        let mut corrupt = input[..first].to_vec();
        corrupt[first - 6] ^= 1;
        assert_eq!(inflater.gzip_member(&corrupt, &mut out), None);
    }
}
