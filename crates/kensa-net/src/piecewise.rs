//! Piecewise-constant maps over a [`Point`] domain, the building block of
//! [`crate::FlowSet`].

use crate::interval::Point;

/// A total map from every `K` to a `V`, stored as the start of each segment
/// and the value it takes until the next start.
///
/// Invariant (the canonical form): the first segment starts at `K::MIN`,
/// starts strictly increase, and neighbouring segments hold different values.
/// A map therefore has exactly one representation, so derived `==` is map
/// equality. Unmentioned keys hold `V::default()`, which plays the role of
/// "nothing".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Piecewise<K, V> {
    segments: Vec<(K, V)>,
}

impl<K: Point, V: Clone + Eq + Default> Default for Piecewise<K, V> {
    fn default() -> Self {
        Self::constant(V::default())
    }
}

impl<K: Point, V: Clone + Eq + Default> Piecewise<K, V> {
    /// The map sending every key to `value`.
    pub(crate) fn constant(value: V) -> Self {
        Self {
            segments: vec![(K::MIN, value)],
        }
    }

    /// The map sending `lo..=hi` to `inside` and every other key to the
    /// default; the default everywhere when `lo > hi`.
    pub(crate) fn on_range(lo: K, hi: K, inside: V) -> Self {
        if lo > hi || inside == V::default() {
            return Self::default();
        }
        let mut segments = Vec::with_capacity(3);
        if lo > K::MIN {
            segments.push((K::MIN, V::default()));
        }
        segments.push((lo, inside));
        if let Some(after) = hi.successor() {
            segments.push((after, V::default()));
        }
        Self { segments }
    }

    /// Whether every key maps to the default.
    pub(crate) fn is_default(&self) -> bool {
        self.segments.len() == 1 && self.segments[0].1 == V::default()
    }

    /// The value at `key`.
    pub(crate) fn get(&self, key: K) -> &V {
        // The segment holding `key` is the last one starting at or before it;
        // the first segment starts at MIN, so there always is one.
        let after = self.segments.partition_point(|(start, _)| *start <= key);
        &self.segments[after - 1].1
    }

    /// The map `key -> combine(self[key], other[key])`.
    ///
    /// Only the union of both maps' segment starts can change the result, so
    /// walking those breakpoints once computes it exactly.
    pub(crate) fn combine(&self, other: &Self, mut combine: impl FnMut(&V, &V) -> V) -> Self {
        let mut segments: Vec<(K, V)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        let mut start = K::MIN;
        loop {
            let value = combine(&self.segments[i].1, &other.segments[j].1);
            if segments
                .last()
                .is_none_or(|(_, previous)| *previous != value)
            {
                segments.push((start, value));
            }
            let next_left = self.segments.get(i + 1).map(|(s, _)| *s);
            let next_right = other.segments.get(j + 1).map(|(s, _)| *s);
            start = match (next_left, next_right) {
                (Some(l), Some(r)) => l.min(r),
                (Some(l), None) => l,
                (None, Some(r)) => r,
                (None, None) => break,
            };
            if next_left == Some(start) {
                i += 1;
            }
            if next_right == Some(start) {
                j += 1;
            }
        }
        Self { segments }
    }

    /// The segments as `(first key, last key, value)`, in key order.
    pub(crate) fn pieces(&self) -> impl Iterator<Item = (K, K, &V)> + '_ {
        self.segments
            .iter()
            .enumerate()
            .map(|(index, (start, value))| {
                let end = match self.segments.get(index + 1) {
                    Some((next, _)) => next.predecessor().expect("later segments start after MIN"),
                    None => K::MAX,
                };
                (*start, end, value)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combine_merges_equal_neighbours() {
        let low: Piecewise<u8, bool> = Piecewise::on_range(0, 9, true);
        let high: Piecewise<u8, bool> = Piecewise::on_range(10, 255, true);
        let all = low.combine(&high, |a, b| *a || *b);
        assert_eq!(all, Piecewise::constant(true));
        let none = low.combine(&high, |a, b| *a && *b);
        assert!(none.is_default());
    }

    #[test]
    fn get_and_pieces_agree() {
        let map: Piecewise<u16, u8> = Piecewise::on_range(22, 22, 7);
        assert_eq!(*map.get(21), 0);
        assert_eq!(*map.get(22), 7);
        assert_eq!(*map.get(u16::MAX), 0);
        let pieces: Vec<_> = map.pieces().map(|(lo, hi, v)| (lo, hi, *v)).collect();
        assert_eq!(pieces, [(0, 21, 0), (22, 22, 7), (23, u16::MAX, 0)]);
    }
}
