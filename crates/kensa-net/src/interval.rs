//! Sets of integers stored as canonical lists of inclusive ranges.

use std::fmt;
use std::hash::Hash;

/// An integer type that can be a member of an [`IntervalSet`].
///
/// Implemented for `u8` (protocol numbers), `u16` (ports), `u32` (IPv4
/// addresses) and `u128` (IPv6 addresses). The methods are checked so that the
/// set operations never wrap around at the ends of the domain.
pub trait Point: Copy + Ord + Hash + fmt::Debug {
    /// The smallest value of the domain.
    const MIN: Self;
    /// The largest value of the domain.
    const MAX: Self;
    /// `self + 1`, or `None` at [`Point::MAX`].
    fn successor(self) -> Option<Self>;
    /// `self - 1`, or `None` at [`Point::MIN`].
    fn predecessor(self) -> Option<Self>;
}

macro_rules! impl_point {
    ($($t:ty),*) => {$(
        impl Point for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn successor(self) -> Option<Self> {
                self.checked_add(1)
            }
            fn predecessor(self) -> Option<Self> {
                self.checked_sub(1)
            }
        }
    )*};
}

impl_point!(u8, u16, u32, u128);

/// A set of integers of type `T`, stored as sorted, disjoint, non-adjacent
/// inclusive ranges.
///
/// Because two ranges that touch (`[1, 3]` and `[4, 6]`) are always merged
/// into one (`[1, 6]`), every set has exactly one representation, so the
/// derived `==` is set equality and the derived `Ord`/`Hash` are consistent
/// with it.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IntervalSet<T> {
    /// Invariant: for consecutive `(a, b)`, `(c, d)`: `a <= b` and `b + 1 < c`.
    ranges: Vec<(T, T)>,
}

impl<T: Point> Default for IntervalSet<T> {
    fn default() -> Self {
        Self::empty()
    }
}

impl<T: Point> fmt::Debug for IntervalSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.ranges.iter().map(|(lo, hi)| lo..=hi))
            .finish()
    }
}

impl<T: Point> IntervalSet<T> {
    /// The empty set.
    pub fn empty() -> Self {
        Self { ranges: Vec::new() }
    }

    /// Every value of `T`.
    pub fn full() -> Self {
        Self {
            ranges: vec![(T::MIN, T::MAX)],
        }
    }

    /// The values `lo..=hi`; empty when `lo > hi`.
    pub fn from_range(lo: T, hi: T) -> Self {
        if lo > hi {
            Self::empty()
        } else {
            Self {
                ranges: vec![(lo, hi)],
            }
        }
    }

    /// The single value `x`.
    pub fn singleton(x: T) -> Self {
        Self::from_range(x, x)
    }

    /// The union of arbitrary (unsorted, overlapping, possibly inverted and
    /// therefore empty) inclusive ranges.
    pub fn from_ranges(ranges: impl IntoIterator<Item = (T, T)>) -> Self {
        let mut sorted: Vec<(T, T)> = ranges.into_iter().filter(|(lo, hi)| lo <= hi).collect();
        sorted.sort_unstable();
        Self::coalesce_sorted(sorted)
    }

    /// Builds the canonical form from ranges sorted by start.
    fn coalesce_sorted(sorted: impl IntoIterator<Item = (T, T)>) -> Self {
        let mut ranges: Vec<(T, T)> = Vec::new();
        for (lo, hi) in sorted {
            match ranges.last_mut() {
                // Overlapping or touching the previous range: extend it.
                Some(last) if last.1.successor().is_none_or(|next| lo <= next) => {
                    last.1 = last.1.max(hi);
                }
                _ => ranges.push((lo, hi)),
            }
        }
        Self { ranges }
    }

    /// Whether the set has no members.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether the set is every value of `T`.
    pub fn is_full(&self) -> bool {
        self.ranges == [(T::MIN, T::MAX)]
    }

    /// Whether `x` is a member.
    pub fn contains(&self, x: T) -> bool {
        // The first range whose end is >= x is the only one that can hold x.
        let index = self.ranges.partition_point(|&(_, hi)| hi < x);
        self.ranges.get(index).is_some_and(|&(lo, _)| lo <= x)
    }

    /// The canonical ranges, sorted, disjoint and non-adjacent.
    pub fn ranges(&self) -> &[(T, T)] {
        &self.ranges
    }

    /// Iterates the canonical ranges as `(lo, hi)` inclusive pairs.
    pub fn iter(&self) -> impl Iterator<Item = (T, T)> + '_ {
        self.ranges.iter().copied()
    }

    /// Members of either set.
    pub fn union(&self, other: &Self) -> Self {
        let mut merged = Vec::with_capacity(self.ranges.len() + other.ranges.len());
        let (mut i, mut j) = (0, 0);
        while i < self.ranges.len() || j < other.ranges.len() {
            let take_left = match (self.ranges.get(i), other.ranges.get(j)) {
                (Some(a), Some(b)) => a <= b,
                (Some(_), None) => true,
                _ => false,
            };
            if take_left {
                merged.push(self.ranges[i]);
                i += 1;
            } else {
                merged.push(other.ranges[j]);
                j += 1;
            }
        }
        Self::coalesce_sorted(merged)
    }

    /// Members of both sets.
    pub fn intersection(&self, other: &Self) -> Self {
        let mut ranges = Vec::new();
        let (mut i, mut j) = (0, 0);
        while let (Some(&(a_lo, a_hi)), Some(&(b_lo, b_hi))) =
            (self.ranges.get(i), other.ranges.get(j))
        {
            let lo = a_lo.max(b_lo);
            let hi = a_hi.min(b_hi);
            if lo <= hi {
                ranges.push((lo, hi));
            }
            // The range that ends first cannot overlap anything further on
            // the other side.
            if a_hi < b_hi {
                i += 1;
            } else {
                j += 1;
            }
        }
        // Pieces of two canonical sets are separated by the gaps of at least
        // one of them, so they are already canonical.
        Self { ranges }
    }

    /// Every value of `T` not in the set.
    pub fn complement(&self) -> Self {
        let mut ranges = Vec::with_capacity(self.ranges.len() + 1);
        let mut next_start = Some(T::MIN);
        for &(lo, hi) in &self.ranges {
            if let Some(start) = next_start
                && start < lo
            {
                let end = lo
                    .predecessor()
                    .expect("lo > start >= MIN, so lo has a predecessor");
                ranges.push((start, end));
            }
            next_start = hi.successor();
        }
        if let Some(start) = next_start {
            ranges.push((start, T::MAX));
        }
        Self { ranges }
    }

    /// Members of `self` that are not members of `other`.
    pub fn difference(&self, other: &Self) -> Self {
        self.intersection(&other.complement())
    }

    /// Whether every member of `self` is a member of `other`.
    pub fn is_subset(&self, other: &Self) -> bool {
        self.difference(other).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_ranges_merge() {
        let set = IntervalSet::from_ranges([(4u16, 6), (1, 3), (10, 12)]);
        assert_eq!(set.ranges(), &[(1, 6), (10, 12)]);
    }

    #[test]
    fn complement_touches_both_ends() {
        assert_eq!(
            IntervalSet::<u16>::empty().complement(),
            IntervalSet::full()
        );
        assert_eq!(
            IntervalSet::<u16>::full().complement(),
            IntervalSet::empty()
        );
        let set = IntervalSet::from_ranges([(0u8, 0), (255, 255)]);
        assert_eq!(set.complement().ranges(), &[(1, 254)]);
    }

    #[test]
    fn full_u128_is_handled_without_overflow() {
        let full = IntervalSet::<u128>::full();
        assert!(full.contains(u128::MAX));
        assert_eq!(full.union(&IntervalSet::singleton(u128::MAX)), full);
    }

    #[test]
    fn contains_checks_boundaries() {
        let set = IntervalSet::from_ranges([(10u32, 20), (30, 40)]);
        for (x, expected) in [
            (9, false),
            (10, true),
            (20, true),
            (21, false),
            (30, true),
            (41, false),
        ] {
            assert_eq!(set.contains(x), expected, "{x}");
        }
    }
}
