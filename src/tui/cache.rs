//! Results keyed by the choices that produced them, so toggling back to an earlier
//! combination is instant (gitui's asyncgit compares requests the same way). The keys are the
//! typed choices themselves (`core::choices`), so two different choices can never share an
//! entry.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

/// A bounded map from choices to result; when full it starts over, which only costs a
/// re-computation.
#[derive(Debug)]
pub struct KeyedCache<K, V> {
    entries: HashMap<K, Arc<V>>,
    capacity: usize,
    computed: usize,
}

impl<K: Hash + Eq, V> KeyedCache<K, V> {
    pub fn new(capacity: usize) -> Self {
        KeyedCache {
            entries: HashMap::new(),
            capacity: capacity.max(1),
            computed: 0,
        }
    }

    /// The cached value for `key`, computing it with `compute` on a miss.
    pub fn get_or_compute(&mut self, key: K, compute: impl FnOnce() -> V) -> Arc<V> {
        if let Some(v) = self.entries.get(&key) {
            return Arc::clone(v);
        }
        if self.entries.len() >= self.capacity {
            self.entries.clear();
        }
        self.computed += 1;
        let v = Arc::new(compute());
        self.entries.insert(key, Arc::clone(&v));
        v
    }

    /// The cached value for `key`, if any.
    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        self.entries.get(key).cloned()
    }

    /// Stores a value computed elsewhere (a worker thread) and returns it shared.
    pub fn insert(&mut self, key: K, value: V) -> Arc<V> {
        if self.entries.len() >= self.capacity {
            self.entries.clear();
        }
        self.computed += 1;
        let v = Arc::new(value);
        self.entries.insert(key, Arc::clone(&v));
        v
    }

    /// How many times a value had to be computed (cache misses), for tests.
    pub fn computed(&self) -> usize {
        self.computed
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lookup_is_a_hit() {
        let mut c = KeyedCache::new(4);
        assert_eq!(*c.get_or_compute((1, "a"), || 10), 10);
        assert_eq!(*c.get_or_compute((1, "a"), || 99), 10);
        assert_eq!(c.computed(), 1);
        assert_eq!(*c.get_or_compute((2, "a"), || 20), 20);
        assert_eq!(c.computed(), 2);
    }
}
