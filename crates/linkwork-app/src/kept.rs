//! What this node keeps in memory, each thing with the version of the data
//! it was read at (a programme's data version, or a user's stamp): served
//! again only while the version read afresh from the database is the same,
//! so a change made on any node shows at once. The least recently used go
//! first when the room is full.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Debug)]
pub struct Kept<T>(Mutex<(u64, HashMap<String, Entry<T>>)>);

#[derive(Debug)]
struct Entry<T> {
    version: i64,
    used: u64,
    value: Arc<T>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Self(Mutex::new((0, HashMap::new())))
    }
}

impl<T> Kept<T> {
    /// The value kept under `key` if it was read at exactly `version`.
    pub fn get(&self, key: &str, version: i64) -> Option<Arc<T>> {
        let mut m = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (clock, map) = &mut *m;
        *clock += 1;
        let hit = map.get_mut(key).filter(|c| c.version == version)?;
        hit.used = *clock;
        Some(hit.value.clone())
    }

    /// Keep `value`, read at `version`, in a room of `room` entries (none
    /// kept when it is 0). A value read at an older version than one already
    /// kept is not kept.
    pub fn put(&self, key: String, version: i64, value: Arc<T>, room: usize) {
        if room == 0 {
            return;
        }
        let mut m = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (clock, map) = &mut *m;
        *clock += 1;
        if map.get(&key).is_some_and(|c| c.version > version) {
            return;
        }
        if !map.contains_key(&key) {
            while map.len() >= room {
                let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, c)| c.used)
                    .map(|(k, _)| k.clone())
                else {
                    break;
                };
                map.remove(&oldest);
            }
        }
        map.insert(
            key,
            Entry {
                version,
                used: *clock,
                value,
            },
        );
    }

    /// How many are kept.
    pub fn len(&self) -> usize {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_only_at_the_same_version_and_oldest_go_first() {
        let k = Kept::default();
        k.put("a".into(), 1, Arc::new("one"), 2);
        assert_eq!(k.get("a", 1).as_deref(), Some(&"one"));
        assert!(k.get("a", 2).is_none(), "a newer version is not served");
        k.put("a".into(), 0, Arc::new("older"), 2);
        assert_eq!(k.get("a", 1).as_deref(), Some(&"one"), "older not kept");
        k.put("b".into(), 1, Arc::new("b"), 2);
        k.get("a", 1);
        k.put("c".into(), 1, Arc::new("c"), 2);
        assert_eq!(k.len(), 2);
        assert!(k.get("b", 1).is_none(), "the least recently used went");
        k.put("d".into(), 1, Arc::new("d"), 0);
        assert!(k.get("d", 1).is_none(), "no room: nothing kept");
    }
}
