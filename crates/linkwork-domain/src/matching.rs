//! Is this the same person? Names as people write them: typos, initials,
//! titles, double-barrelled and changed (maiden) family names.
//!
//! Two records are a *likely match* when they share a CHI number, or an NHS
//! number, or a date of birth and a name alike ([`names_alike`]): some word
//! of one name (given, family or preferred) is like some word of the other.
//! A family name changed by marriage still matches on the given name; a
//! double-barrelled name matches either half; one typo is allowed in a word
//! of four or more letters, two in a word of seven or more. Initials alone
//! never make a match (too many people share them).

/// Titles dropped before names are compared or searched.
pub const TITLES: [&str; 11] = [
    "mr", "mrs", "ms", "miss", "mx", "dr", "rev", "sir", "prof", "master", "lady",
];

/// The words of a name, lower-cased, with punctuation and titles removed:
/// "Mrs Smith-Jones" gives `["smith", "jones"]`.
pub fn words(name: &str) -> Vec<String> {
    name.split(|c: char| c.is_whitespace() || c == '-' || c == ',' || c == '.')
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty() && !TITLES.contains(&w.as_str()))
        .collect()
}

/// Edit distance with adjacent transpositions counted as one edit.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// Two words of names are alike: equal, or within the typos allowed for
/// their length. Initials are not alike anything here.
pub fn word_alike(a: &str, b: &str) -> bool {
    if a.chars().count() < 2 || b.chars().count() < 2 {
        return false;
    }
    if a == b {
        return true;
    }
    let shorter = a.chars().count().min(b.chars().count());
    let allowed = match shorter {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    };
    allowed > 0 && distance(a, b) <= allowed
}

/// Two names (each as all the words of the person's names) are alike when
/// some word of one is alike some word of the other.
pub fn names_alike(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| b.iter().any(|y| word_alike(x, y)))
}

/// A search finds a name when every word typed is alike a word of the name,
/// or begins one ("ash" finds "Ashley"), or is its initial.
pub fn search_finds(query: &[String], name: &[String]) -> bool {
    !query.is_empty()
        && query.iter().all(|q| {
            name.iter()
                .any(|w| word_alike(q, w) || w.starts_with(q.as_str()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn words_drop_titles_and_split_double_barrels() {
        assert_eq!(n("Mrs Smith-Jones"), ["smith", "jones"]);
        assert_eq!(n("  O'Neil,  Dr. "), ["oneil"]);
        assert_eq!(n("Ashley FRASER"), ["ashley", "fraser"]);
    }

    #[test]
    fn typos_transpositions_and_lengths() {
        assert_eq!(distance("fraser", "frasr"), 1);
        assert_eq!(distance("ashley", "ahsley"), 1);
        assert!(word_alike("fraser", "frasr"));
        assert!(word_alike("fraser", "frazer"));
        assert!(word_alike("mckinlay", "mckinley"));
        assert!(word_alike("macdonald", "mcdonald"));
        assert!(!word_alike("ann", "anne"), "short words must be equal");
        assert!(!word_alike("fraser", "frost"));
        assert!(!word_alike("a", "ashley"), "an initial alone is no match");
    }

    #[test]
    fn names_alike_allow_maiden_and_double_barrelled_names() {
        assert!(names_alike(&n("Ashley Fraser"), &n("Ashley Fraser")));
        assert!(names_alike(&n("Ashley Frasr"), &n("Ashley Fraser")));
        // Family name changed on marriage: the given name still matches.
        assert!(names_alike(&n("Morag Hughes"), &n("Morag Campbell")));
        // Double-barrelled: either half.
        assert!(names_alike(&n("Jo Smith-Jones"), &n("Joanne Jones")));
        assert!(names_alike(&n("A. Fraser"), &n("Ashley Fraser")));
        assert!(!names_alike(&n("A. Brown"), &n("Ashley Fraser")));
        assert!(!names_alike(&n("Peter Lee"), &n("Ashley Fraser")));
    }

    #[test]
    fn search_tolerates_typos_titles_and_beginnings() {
        assert!(search_finds(&n("ashley frasr"), &n("Ashley Fraser")));
        assert!(search_finds(&n("Mrs Hughes"), &n("Morag Hughes")));
        assert!(search_finds(&n("ash"), &n("Ashley Fraser")));
        assert!(search_finds(&n("a fraser"), &n("Ashley Fraser")));
        assert!(!search_finds(&n("peter fraser"), &n("Ashley Fraser")));
        assert!(!search_finds(&n("Mrs"), &n("Morag Hughes")));
    }
}
