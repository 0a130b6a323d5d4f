//! Wellbeing measures: SWEMWBS (7 items, 1–5, raw 7–35 converted to a metric
//! score by the published Rasch table) and ONS4 (four 0–10 questions).

use serde::{Deserialize, Serialize};

const SWEMWBS_TABLE: &str = include_str!("swemwbs_raw_to_metric.csv");

/// The seven SWEMWBS statements, worded exactly as published (WEMWBS items
/// 1, 2, 3, 6, 7, 9 and 11). The wording is part of the scale's validity:
/// do not paraphrase. © NHS Health Scotland, University of Warwick and
/// University of Edinburgh; free to use after registering with Warwick.
pub const SWEMWBS_ITEMS: [&str; 7] = [
    "I've been feeling optimistic about the future",
    "I've been feeling useful",
    "I've been feeling relaxed",
    "I've been dealing with problems well",
    "I've been thinking clearly",
    "I've been feeling close to other people",
    "I've been able to make up my own mind about things",
];

/// The published instruction above the SWEMWBS statements.
pub const SWEMWBS_INSTRUCTION: &str = "Below are some statements about feelings and thoughts. Please tick the box that best describes your experience of each over the last 2 weeks.";

/// The SWEMWBS answers, scored 1 to 5.
pub const SWEMWBS_SCALE: [(&str, &str); 5] = [
    ("1", "None of the time"),
    ("2", "Rarely"),
    ("3", "Some of the time"),
    ("4", "Often"),
    ("5", "All of the time"),
];

/// The four ONS personal well-being questions, worded exactly as in the GSS
/// harmonised standard (Open Government Licence v3.0).
pub const ONS4_QUESTIONS: [&str; 4] = [
    "Overall, how satisfied are you with your life nowadays?",
    "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
    "Overall, how happy did you feel yesterday?",
    "On a scale where nought is 'not at all anxious' and 10 is 'completely anxious', overall, how anxious did you feel yesterday?",
];

/// The ONS preamble read before the four questions.
pub const ONS4_PREAMBLE: &str = "Next I would like to ask you four questions about your feelings on aspects of your life. There are no right or wrong answers. For each of these questions I'd like you to give an answer on a scale of nought to 10, where nought is 'not at all' and 10 is 'completely'.";

/// The SWEMWBS metric score for a raw score of 7–35.
pub fn swemwbs_metric(raw: u8) -> Option<f64> {
    SWEMWBS_TABLE
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .find(|(r, _)| r.trim().parse::<u8>().ok() == Some(raw))
        .and_then(|(_, m)| m.trim().parse().ok())
}

/// A complete SWEMWBS answer: seven items, each 1–5. Missing items are not
/// pro-rated (no source defines how), so all seven are required.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Swemwbs {
    pub items: [u8; 7],
}

impl Swemwbs {
    pub fn new(items: [u8; 7]) -> Result<Swemwbs, String> {
        if let Some(i) = items.iter().position(|x| !(1..=5).contains(x)) {
            return Err(format!(
                "Answer question {} with a score from 1 to 5",
                i + 1
            ));
        }
        Ok(Swemwbs { items })
    }
    pub fn raw(&self) -> u8 {
        self.items.iter().sum()
    }
    pub fn metric(&self) -> f64 {
        swemwbs_metric(self.raw()).unwrap_or(0.0)
    }
}

/// The four ONS personal wellbeing answers, each 0–10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ons4 {
    pub life_satisfaction: u8,
    pub worthwhile: u8,
    pub happiness: u8,
    pub anxiety: u8,
}

impl Ons4 {
    pub fn new(
        life_satisfaction: u8,
        worthwhile: u8,
        happiness: u8,
        anxiety: u8,
    ) -> Result<Ons4, String> {
        for (name, v) in [
            ("life satisfaction", life_satisfaction),
            ("worthwhile", worthwhile),
            ("happiness", happiness),
            ("anxiety", anxiety),
        ] {
            if v > 10 {
                return Err(format!("Answer {name} with a score from 0 to 10"));
            }
        }
        Ok(Ons4 {
            life_satisfaction,
            worthwhile,
            happiness,
            anxiety,
        })
    }
}

/// ONS bands for life satisfaction, worthwhile and happiness (higher is better).
pub fn ons4_positive_band(score: u8) -> &'static str {
    match score {
        0..=4 => "low",
        5..=6 => "medium",
        7..=8 => "high",
        _ => "very high",
    }
}

/// ONS bands for anxiety (lower is better).
pub fn ons4_anxiety_band(score: u8) -> &'static str {
    match score {
        0..=1 => "very low",
        2..=3 => "low",
        4..=5 => "medium",
        _ => "high",
    }
}

/// WELLBY value of a change in life satisfaction sustained for `years`: one
/// point for one person for one year, £13,000 at 2019 prices (HM Treasury Green
/// Book wellbeing guidance; range £10,000–£16,000).
pub fn wellby_value_pounds(change_in_life_satisfaction: f64, years: f64) -> f64 {
    change_in_life_satisfaction * years * 13_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swemwbs_table_is_pinned() {
        assert_eq!(swemwbs_metric(7), Some(7.0));
        assert_eq!(swemwbs_metric(8), Some(9.51));
        assert_eq!(swemwbs_metric(29), Some(26.02));
        assert_eq!(swemwbs_metric(35), Some(35.0));
        assert_eq!(swemwbs_metric(6), None);
        assert_eq!(swemwbs_metric(36), None);
        let mut last = 0.0;
        for raw in 7..=35 {
            let m = swemwbs_metric(raw).unwrap_or(0.0);
            assert!(m > last, "monotonic at {raw}");
            last = m;
        }
    }

    #[test]
    fn swemwbs_items_are_checked() {
        assert!(Swemwbs::new([1, 2, 3, 4, 5, 4, 3]).is_ok());
        assert_eq!(Swemwbs::new([1, 2, 3, 4, 5, 4, 3]).map(|s| s.raw()), Ok(22));
        assert!(Swemwbs::new([0, 2, 3, 4, 5, 4, 3]).is_err());
        assert!(Swemwbs::new([1, 2, 3, 4, 6, 4, 3]).is_err());
    }

    #[test]
    fn ons4_bands() {
        assert_eq!(ons4_positive_band(4), "low");
        assert_eq!(ons4_positive_band(9), "very high");
        assert_eq!(ons4_anxiety_band(1), "very low");
        assert_eq!(ons4_anxiety_band(6), "high");
        assert!(Ons4::new(11, 0, 0, 0).is_err());
        assert_eq!(wellby_value_pounds(1.0, 1.0), 13_000.0);
    }
}
