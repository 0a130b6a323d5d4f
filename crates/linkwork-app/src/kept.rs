//! What this node keeps in memory, each thing with the version of the data
//! it was read at (a programme's data version, or a user's stamp): served
//! again only while the version read afresh from the database is the same,
//! so a change made on any node shows at once. The least recently used go
//! first when the room is full.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Debug)]
pub struct Kept<T>(
    Mutex<(u64, HashMap<String, Entry<T>>)>,
    /// Keys being read now: those who miss the same key at once wait for
    /// the first to read it, instead of all reading it together.
    Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
);

/// Held while one request reads what is to be kept under a key.
pub struct Reading {
    key: String,
    lock: Arc<tokio::sync::Mutex<()>>,
    readers: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for Reading {
    fn drop(&mut self) {
        let mut m = self.readers.lock().unwrap_or_else(PoisonError::into_inner);
        // The map's, this one's and its guard's: nobody else is waiting.
        if Arc::strong_count(&self.lock) <= 3 {
            m.remove(&self.key);
        }
    }
}

#[derive(Debug)]
struct Entry<T> {
    version: i64,
    used: u64,
    value: Arc<T>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Self(Mutex::new((0, HashMap::new())), Arc::default())
    }
}

impl<T> Kept<T> {
    /// Wait until no other request is reading what is to be kept under
    /// `key`; then look again (with [`Kept::get`]) before reading it.
    pub async fn reading(&self, key: &str) -> Reading {
        let lock = {
            let mut m = self.1.lock().unwrap_or_else(PoisonError::into_inner);
            m.entry(key.to_owned()).or_default().clone()
        };
        let guard = lock.clone().lock_owned().await;
        Reading {
            key: key.to_owned(),
            lock,
            readers: self.1.clone(),
            _guard: guard,
        }
    }

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

/// A page's rendering of kept data, kept beside the data — so it goes when
/// the data does — for one variant of the page (say, one session's form
/// token): rendering a long page again for every request costs more than
/// reading it.
#[derive(Debug, Default)]
pub struct Rendered(Mutex<Option<(String, Arc<str>)>>);

impl Rendered {
    /// The rendering kept for `variant`, if it is the one kept.
    pub fn get(&self, variant: &str) -> Option<Arc<str>> {
        let m = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        m.as_ref()
            .filter(|(v, _)| v == variant)
            .map(|(_, html)| html.clone())
    }

    /// Keep `html` as the rendering for `variant` (in place of any other).
    pub fn put(&self, variant: String, html: Arc<str>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some((variant, html));
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

    #[tokio::test]
    async fn one_reads_while_the_others_wait() {
        let k: Arc<Kept<&str>> = Arc::default();
        let first = k.reading("a").await;
        let k2 = k.clone();
        let second = tokio::spawn(async move {
            let _r = k2.reading("a").await;
            k2.get("a", 1).is_some()
        });
        tokio::task::yield_now().await;
        assert!(!second.is_finished(), "waits for the first reader");
        k.put("a".into(), 1, Arc::new("read"), 10);
        drop(first);
        assert_eq!(second.await.ok(), Some(true), "then finds it kept");
        assert!(
            k.1.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_empty()
        );
        let _other_key = k.reading("b").await;
    }

    #[test]
    fn a_rendering_is_kept_for_one_variant() {
        let r = Rendered::default();
        assert!(r.get("session a").is_none());
        r.put("session a".into(), Arc::from("<p>a</p>"));
        assert_eq!(r.get("session a").as_deref(), Some("<p>a</p>"));
        assert!(
            r.get("session b").is_none(),
            "another variant is not served"
        );
        r.put("session b".into(), Arc::from("<p>b</p>"));
        assert!(r.get("session a").is_none(), "one variant at a time");
    }
}
