//! The printable handout: one self-contained HTML page (no external files,
//! fonts or scripts) with print CSS. The askama template
//! (`templates/handout.html`) escapes every value, so text from rule and
//! answer files is shown as written and never becomes markup.

use askama::Template;

use super::Report;
use super::view::View;

#[derive(Template)]
#[template(path = "handout.html")]
struct Handout<'a> {
    v: &'a View,
}

/// The summary as an HTML page, ending with a newline. Rendering fails
/// only if a value cannot be displayed, which no `String` does; the error is
/// passed on rather than printing a page without its disclaimer.
pub fn render(report: &Report<'_>) -> Result<String, askama::Error> {
    let view = View::new(report);
    let mut page = Handout { v: &view }.render()?;
    if !page.ends_with('\n') {
        page.push('\n');
    }
    Ok(page)
}
