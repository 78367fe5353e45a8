//! Results keyed by the hash of the choices that produced them, so toggling back to an
//! earlier combination is instant (gitui's asyncgit compares request hashes the same way).

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Hash of everything that decides a result.
pub fn key_of<T: Hash + ?Sized>(choices: &T) -> u64 {
    let mut h = DefaultHasher::new();
    choices.hash(&mut h);
    h.finish()
}

/// A bounded map from choice hash to result; when full it starts over, which only costs
/// a re-computation.
#[derive(Debug)]
pub struct KeyedCache<V> {
    entries: HashMap<u64, Arc<V>>,
    capacity: usize,
    computed: usize,
}

impl<V> KeyedCache<V> {
    pub fn new(capacity: usize) -> Self {
        KeyedCache {
            entries: HashMap::new(),
            capacity: capacity.max(1),
            computed: 0,
        }
    }

    /// The cached value for `key`, computing it with `compute` on a miss.
    pub fn get_or_compute(&mut self, key: u64, compute: impl FnOnce() -> V) -> Arc<V> {
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
        assert_eq!(*c.get_or_compute(key_of(&(1, "a")), || 10), 10);
        assert_eq!(*c.get_or_compute(key_of(&(1, "a")), || 99), 10);
        assert_eq!(c.computed(), 1);
        assert_eq!(*c.get_or_compute(key_of(&(2, "a")), || 20), 20);
        assert_eq!(c.computed(), 2);
    }
}
