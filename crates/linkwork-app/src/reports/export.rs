//! A report as a spreadsheet (XLSX): the same rows as the CSV, as numbers a
//! funder's analyst can add up, with the breakdowns and the per-practice
//! table on sheets of their own. Written with `rust_xlsxwriter`.

use super::figures::{ADDITIVE, Unit};
use super::{Report, shared_rows};
use crate::{AppError, Result};
use linkwork_domain::report::suppress;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::collections::HashMap;

/// The per-practice table as text: every column suppressed on its own
/// (its total is the programme's figure) when `sharing`.
pub fn by_site_text(r: &Report, sharing: Option<i64>) -> Vec<(String, Vec<String>)> {
    let sites = &r.figures.by_site;
    let mut cells: Vec<Vec<String>> = sites
        .iter()
        .map(|s| s.counts.iter().map(|n| n.to_string()).collect())
        .collect();
    if let Some(t) = sharing {
        for j in 0..ADDITIVE.len() {
            let column: Vec<i64> = sites
                .iter()
                .map(|s| s.counts.get(j).copied().unwrap_or(0))
                .collect();
            for (row, shown) in cells.iter_mut().zip(&suppress(&[column], t)[0]) {
                row[j] = shown.text(t);
            }
        }
    }
    sites.iter().map(|s| s.name.clone()).zip(cells).collect()
}

/// Each measure's (value, previous) as shown: [`shared_rows`] by name.
pub fn shown_by_measure(r: &Report, sharing: Option<i64>) -> HashMap<String, (String, String)> {
    shared_rows(&r.figures, sharing)
        .into_iter()
        .map(|(m, v, p)| (m, (v, p)))
        .collect()
}

/// A cell: a number where the text is one, otherwise the text ("<5", "*").
fn put(ws: &mut Worksheet, row: u32, col: u16, text: &str) -> std::result::Result<(), XlsxError> {
    match text.parse::<f64>() {
        Ok(n) => ws.write_number(row, col, n).map(|_| ()),
        Err(_) => ws.write_string(row, col, text).map(|_| ()),
    }
}

/// The report as an XLSX workbook: "Figures" (one row per figure, its
/// stable measure name beside its label), "Breakdowns", "By practice",
/// and "About" (period, scope, suppression). With `sharing`, the same
/// small-number suppression as the CSV for sharing.
pub fn xlsx(r: &Report, sharing: Option<i64>) -> Result<Vec<u8>> {
    write(r, sharing).map_err(AppError::internal)
}

fn write(r: &Report, sharing: Option<i64>) -> std::result::Result<Vec<u8>, XlsxError> {
    let shown = shown_by_measure(r, sharing);
    let text = |m: &str| shown.get(m).cloned().unwrap_or_default();
    let bold = Format::new().set_bold();
    let (now, before) = (r.period.label(), r.previous.label());
    let mut wb = Workbook::new();

    let ws = wb.add_worksheet().set_name("Figures")?;
    for (j, h) in ["Section", "Figure", "Measure", &now, &before, "Unit"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, j as u16, *h, &bold)?;
    }
    let mut row = 1;
    for s in &r.figures.sections {
        for f in &s.figures {
            let (v, p) = text(f.measure);
            ws.write_string(row, 0, s.title)?;
            ws.write_string(row, 1, f.label)?;
            ws.write_string(row, 2, f.measure)?;
            put(ws, row, 3, &v)?;
            put(ws, row, 4, &p)?;
            ws.write_string(
                row,
                5,
                match f.unit {
                    Unit::Count => "count",
                    Unit::Percent => "percent",
                    Unit::Days => "days",
                    Unit::Number => "number",
                    Unit::Pounds => "pounds",
                },
            )?;
            row += 1;
        }
    }
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 52)?;
    ws.set_column_width(2, 36)?;
    ws.set_freeze_panes(1, 0)?;

    let ws = wb.add_worksheet().set_name("Breakdowns")?;
    for (j, h) in ["Breakdown", "Name", "Measure", &now, &before]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, j as u16, *h, &bold)?;
    }
    let mut row = 1;
    for b in r.figures.sections.iter().flat_map(|s| &s.breakdowns) {
        for x in &b.rows {
            let m = format!("{}.{}", b.measure, x.key);
            let (v, p) = text(&m);
            ws.write_string(row, 0, b.title)?;
            ws.write_string(row, 1, &x.label)?;
            ws.write_string(row, 2, &m)?;
            put(ws, row, 3, &v)?;
            put(ws, row, 4, &p)?;
            row += 1;
        }
    }
    ws.set_column_width(0, 36)?;
    ws.set_column_width(1, 40)?;
    ws.set_column_width(2, 44)?;
    ws.set_freeze_panes(1, 0)?;

    let ws = wb.add_worksheet().set_name("By practice")?;
    ws.write_string_with_format(0, 0, "Practice", &bold)?;
    for (j, (_, label)) in ADDITIVE.iter().enumerate() {
        ws.write_string_with_format(0, j as u16 + 1, *label, &bold)?;
    }
    for (i, (name, cells)) in by_site_text(r, sharing).iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, name)?;
        for (j, c) in cells.iter().enumerate() {
            put(ws, row, j as u16 + 1, c)?;
        }
    }
    ws.set_column_width(0, 36)?;
    ws.set_freeze_panes(1, 1)?;

    let ws = wb.add_worksheet().set_name("About")?;
    let about = [
        ("Scope", r.scope_label.clone()),
        ("Scope code", r.scope.clone()),
        ("Period", format!("{now} ({})", r.period.code())),
        ("Compared with", format!("{before} ({})", r.previous.code())),
        (
            "Small numbers",
            match sharing {
                Some(t) => format!(
                    "For sharing: counts from 1 to {} are shown as \"<{t}\", and \"*\" hides another count where a hidden one could be worked back from a total. Rates and means that come from a hidden count are \"*\".",
                    t - 1
                ),
                None => "Not suppressed: for use inside the programme only.".to_owned(),
            },
        ),
        (
            "Definitions",
            "Every measure is defined in docs/REPORTING.md under its name.".to_owned(),
        ),
    ];
    for (i, (k, v)) in about.iter().enumerate() {
        ws.write_string_with_format(i as u32, 0, *k, &bold)?;
        ws.write_string(i as u32, 1, v)?;
    }
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 100)?;
    wb.save_to_buffer()
}
