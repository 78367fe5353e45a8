//! LaTeX fragments that compile in a plain `article` with no packages: a visible title, the
//! tables and the notes (caption, SYNTHETIC badge, source and licence) as text under them, so
//! that a table pasted into a paper keeps its provenance. A file is meant to be `\input`.
//!
//! Tables are laid out for the article's default text width (345 pt): columns that do not
//! fit become paragraph (`p`) columns, a table that still does not fit is split into several
//! tables that repeat the first column, and long tables are split into tabulars of at most
//! [`LINES_PER_TABULAR`] lines, so that pages can break between them (a `tabular` never
//! breaks).

use std::fmt::Write as _;

/// `\textwidth` of `article` at 10 pt (letter and A4 alike).
const TEXT_WIDTH_PT: f64 = 345.0;
/// `\footnotesize` at 10 pt: the tables' font size.
const FONT_PT: f64 = 8.0;
/// `\tabcolsep` inside the fragment.
const TABCOLSEP_PT: f64 = 4.0;
/// Room left for the estimate of glyph widths being off.
const SLACK_PT: f64 = 8.0;
/// Lines of one tabular: 40 × 9.5 pt (`\footnotesize` baseline) fits any default page.
pub const LINES_PER_TABULAR: usize = 40;

/// Escapes text for LaTeX's default OT1 encoding: the specials, `<`, `>` and `|` in math mode
/// (as text they print as `¡`, `¿` and `—`), line breaks and other control characters as
/// spaces, and every non-ASCII character as a command that needs no package (or, when none
/// is known, as `[U+XXXX]` rather than a compile error).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(ch);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            '<' => out.push_str("$<$"),
            '>' => out.push_str("$>$"),
            '|' => out.push_str("$|$"),
            '"' => out.push_str("''"),
            // Long paths and addresses may break after a slash.
            '/' => out.push_str("/\\allowbreak{}"),
            // A line break inside a cell would end it early; other control characters are
            // not text.
            c if c.is_control() => out.push(' '),
            c if c.is_ascii() => out.push(c),
            c => out.push_str(&non_ascii(c)),
        }
    }
    out
}

/// A non-ASCII character as OT1 LaTeX without packages.
fn non_ascii(c: char) -> String {
    let accent = |cmd: &str, base: char| format!("{{\\{cmd}{base}}}");
    let math = |m: &str| format!("$\\{m}$");
    match c {
        'ä' | 'ë' | 'ï' | 'ö' | 'ü' | 'ÿ' | 'Ä' | 'Ë' | 'Ï' | 'Ö' | 'Ü' | 'Ÿ' => {
            accent("\"", base_letter(c))
        }
        'á' | 'é' | 'í' | 'ó' | 'ú' | 'ý' | 'Á' | 'É' | 'Í' | 'Ó' | 'Ú' | 'Ý' | 'ś' | 'ć' | 'ń'
        | 'ź' | 'Ś' | 'Ć' | 'Ń' | 'Ź' => accent("'", base_letter(c)),
        'à' | 'è' | 'ì' | 'ò' | 'ù' | 'À' | 'È' | 'Ì' | 'Ò' | 'Ù' => {
            accent("`", base_letter(c))
        }
        'â' | 'ê' | 'î' | 'ô' | 'û' | 'Â' | 'Ê' | 'Î' | 'Ô' | 'Û' => {
            accent("^", base_letter(c))
        }
        'ã' | 'ñ' | 'õ' | 'Ã' | 'Ñ' | 'Õ' => accent("~", base_letter(c)),
        'š' | 'ž' | 'č' | 'ř' | 'Š' | 'Ž' | 'Č' | 'Ř' => accent("v ", base_letter(c)),
        'ç' => "{\\c c}".into(),
        'Ç' => "{\\c C}".into(),
        'ß' => "{\\ss}".into(),
        'æ' => "{\\ae}".into(),
        'Æ' => "{\\AE}".into(),
        'œ' => "{\\oe}".into(),
        'Œ' => "{\\OE}".into(),
        'ø' => "{\\o}".into(),
        'Ø' => "{\\O}".into(),
        'å' => "{\\aa}".into(),
        'Å' => "{\\AA}".into(),
        'ł' => "{\\l}".into(),
        'Ł' => "{\\L}".into(),
        '–' => "--".into(),
        '—' => "---".into(),
        '‘' | '‚' | '‹' => "`".into(),
        '’' | '›' => "'".into(),
        '“' | '„' => "``".into(),
        '”' => "''".into(),
        '«' => "$\\ll$".into(),
        '»' => "$\\gg$".into(),
        '…' | '⋯' => "\\ldots{}".into(),
        '\u{a0}' => "~".into(),
        '§' => "\\S{}".into(),
        '¶' => "\\P{}".into(),
        '†' => "\\dag{}".into(),
        '‡' => "\\ddag{}".into(),
        '©' => "\\copyright{}".into(),
        '€' => "EUR".into(),
        '°' => "$^{\\circ}$".into(),
        '²' => "$^2$".into(),
        '³' => "$^3$".into(),
        '¹' => "$^1$".into(),
        '½' => "$\\frac12$".into(),
        '¼' => "$\\frac14$".into(),
        '‰' => "\\textperthousand{}".into(),
        '−' => "$-$".into(),
        '×' => math("times"),
        '·' | '•' => math("cdot"),
        '±' => math("pm"),
        '≤' => math("le"),
        '≥' => math("ge"),
        '≠' => math("neq"),
        '≈' => math("approx"),
        '∞' => math("infty"),
        '∈' => math("in"),
        '∝' => math("propto"),
        '√' => math("surd"),
        '→' => math("rightarrow"),
        '←' => math("leftarrow"),
        '↑' => math("uparrow"),
        '↓' => math("downarrow"),
        '‖' => math("|"),
        'Σ' => math("Sigma"),
        'Δ' => math("Delta"),
        'Φ' => math("Phi"),
        'Γ' => math("Gamma"),
        'α' => math("alpha"),
        'β' => math("beta"),
        'γ' => math("gamma"),
        'δ' => math("delta"),
        'ε' => math("varepsilon"),
        'η' => math("eta"),
        'θ' => math("theta"),
        'κ' => math("kappa"),
        'λ' => math("lambda"),
        'μ' => math("mu"),
        'ν' => math("nu"),
        'ξ' => math("xi"),
        'σ' => math("sigma"),
        'τ' => math("tau"),
        'φ' => math("phi"),
        'χ' => math("chi"),
        'ψ' => math("psi"),
        'ω' => math("omega"),
        c => format!("[U+{:04X}]", u32::from(c)),
    }
}

/// The unaccented letter of the accented letters `non_ascii` composes.
fn base_letter(c: char) -> char {
    const MAP: [(&str, char); 11] = [
        ("äáàâãÄÁÀÂÃ", 'a'),
        ("ëéèêËÉÈÊ", 'e'),
        ("ïíìîÏÍÌÎ", 'i'),
        ("öóòôõÖÓÒÔÕ", 'o'),
        ("üúùûÜÚÙÛ", 'u'),
        ("ÿýŸÝ", 'y'),
        ("ñńÑŃ", 'n'),
        ("śšŚŠ", 's'),
        ("ćčĆČ", 'c'),
        ("źžŹŽ", 'z'),
        ("řŘ", 'r'),
    ];
    for (set, base) in MAP {
        if set.contains(c) {
            return if c.is_uppercase() {
                base.to_ascii_uppercase()
            } else {
                base
            };
        }
    }
    c
}

/// Width of `text` in ems of Computer Modern, generously estimated (the layout must not
/// underestimate: a column estimated too narrow runs over the margin).
fn ems(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | 't' | 'f' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 0.32,
            ' ' => 0.36,
            'm' | 'w' => 0.86,
            'M' | 'W' => 1.05,
            '(' | ')' | '[' | ']' | '-' | 'r' => 0.42,
            c if c.is_ascii_digit() => 0.52,
            c if c.is_ascii_lowercase() => 0.56,
            c if c.is_ascii_uppercase() => 0.80,
            _ => 1.0,
        })
        .sum()
}

/// One table cell: its LaTeX and the text it shows (for the layout).
#[derive(Debug, Clone, PartialEq)]
pub struct TexCell {
    latex: String,
    /// Width of the whole text and of its longest word, in points at the table's size.
    width: f64,
    longest_word: f64,
}

impl TexCell {
    /// Plain text, escaped.
    pub fn text(s: &str) -> TexCell {
        TexCell::raw(escape(s), s)
    }
    /// Ready LaTeX (`latex`) that shows `visible`.
    pub fn raw(latex: String, visible: &str) -> TexCell {
        TexCell {
            latex,
            width: ems(visible) * FONT_PT,
            longest_word: visible
                .split_whitespace()
                .map(|w| ems(w) * FONT_PT)
                .fold(0.0, f64::max),
        }
    }
}

/// A row of cells, or a horizontal rule.
#[derive(Debug, Clone, PartialEq)]
pub enum TexRow {
    Cells(Vec<TexCell>),
    Rule,
}

/// A table: a header row, rows, and which columns hold numbers (right-aligned, never
/// wrapped).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TexTable {
    pub header: Vec<TexCell>,
    pub rows: Vec<TexRow>,
    pub numeric: Vec<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Spec {
    Left,
    Right,
    /// A paragraph column of this width in points.
    Para(f64),
}

impl TexTable {
    fn columns(&self) -> usize {
        self.header.len()
    }

    fn cells_of(&self, col: usize) -> impl Iterator<Item = &TexCell> {
        std::iter::once(&self.header[col]).chain(self.rows.iter().filter_map(move |r| match r {
            TexRow::Cells(c) => c.get(col),
            TexRow::Rule => None,
        }))
    }

    fn natural(&self, col: usize) -> f64 {
        self.cells_of(col).map(|c| c.width).fold(0.0, f64::max)
    }

    fn longest_word(&self, col: usize) -> f64 {
        self.cells_of(col)
            .map(|c| c.longest_word)
            .fold(0.0, f64::max)
    }

    fn is_numeric(&self, col: usize) -> bool {
        self.numeric.get(col).copied().unwrap_or(false)
    }

    /// Column specs for `cols` within the text width, or `None` when they cannot fit: text
    /// columns that do not fit share what the others leave as paragraph columns
    /// (narrowest first keep their natural width), never narrower than their longest word.
    fn fit(&self, cols: &[usize]) -> Option<Vec<Spec>> {
        let budget = TEXT_WIDTH_PT - SLACK_PT - 2.0 * TABCOLSEP_PT * cols.len() as f64;
        let natural: Vec<f64> = cols.iter().map(|&c| self.natural(c)).collect();
        let simple = |&c: &usize| {
            if self.is_numeric(c) {
                Spec::Right
            } else {
                Spec::Left
            }
        };
        if natural.iter().sum::<f64>() <= budget {
            return Some(cols.iter().map(simple).collect());
        }
        let mut specs: Vec<Spec> = cols.iter().map(simple).collect();
        let mut remaining = budget
            - cols
                .iter()
                .zip(&natural)
                .filter(|(c, _)| self.is_numeric(**c))
                .map(|(_, w)| w)
                .sum::<f64>();
        let mut text: Vec<usize> = (0..cols.len())
            .filter(|&i| !self.is_numeric(cols[i]))
            .collect();
        text.sort_by(|&a, &b| natural[a].total_cmp(&natural[b]));
        for (k, &i) in text.iter().enumerate() {
            let share = remaining / (text.len() - k) as f64;
            if natural[i] <= share {
                remaining -= natural[i];
                continue;
            }
            for &j in &text[k..] {
                if share < self.longest_word(cols[j]) {
                    return None;
                }
                specs[j] = Spec::Para(share);
            }
            return Some(specs);
        }
        (remaining >= 0.0).then_some(specs)
    }

    /// The column groups to print, each with its specs: all columns when they fit, else the
    /// first column repeated beside the numbers and beside the text, each split further
    /// when needed.
    fn groups(&self) -> Vec<(Vec<usize>, Vec<Spec>)> {
        let all: Vec<usize> = (0..self.columns()).collect();
        if let Some(specs) = self.fit(&all) {
            return vec![(all, specs)];
        }
        let rest = 1..self.columns();
        let numbers: Vec<usize> = rest.clone().filter(|&c| self.is_numeric(c)).collect();
        let words: Vec<usize> = rest.filter(|&c| !self.is_numeric(c)).collect();
        let mut groups = Vec::new();
        for part in [numbers, words] {
            let mut current = vec![0];
            for c in part {
                let mut next = current.clone();
                next.push(c);
                if current.len() > 1 && self.fit(&next).is_none() {
                    groups.push(self.forced(&current));
                    current = vec![0, c];
                } else {
                    current = next;
                }
            }
            if current.len() > 1 {
                groups.push(self.forced(&current));
            }
        }
        groups
    }

    /// Specs for a group that must be printed: its fit, or (a single column too wide for
    /// any layout) its text columns as wide as their longest words.
    fn forced(&self, cols: &[usize]) -> (Vec<usize>, Vec<Spec>) {
        let specs = self.fit(cols).unwrap_or_else(|| {
            cols.iter()
                .map(|&c| {
                    if self.is_numeric(c) {
                        Spec::Right
                    } else {
                        Spec::Para(self.longest_word(c).max(40.0))
                    }
                })
                .collect()
        });
        (cols.to_vec(), specs)
    }

    /// Lines a row takes with these specs (paragraph cells wrap).
    fn lines(row: &[&TexCell], specs: &[Spec]) -> usize {
        row.iter()
            .zip(specs)
            .map(|(cell, spec)| match spec {
                // Words do not fill a line exactly: a fifth more lines than the text's width.
                Spec::Para(w) => ((cell.width * 1.2) / w).ceil().max(1.0) as usize,
                _ => 1,
            })
            .max()
            .unwrap_or(1)
    }

    /// The tabulars of the table: per column group, chunks of at most
    /// [`LINES_PER_TABULAR`] lines, each with the header.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.columns() == 0 {
            return out;
        }
        for (cols, specs) in self.groups() {
            let pick = |cells| pick(&cols, cells);
            let header = pick(&self.header);
            let header_lines = Self::lines(&header, &specs);
            let mut chunks: Vec<Vec<&TexRow>> = vec![Vec::new()];
            let mut used = header_lines;
            for row in &self.rows {
                let n = match row {
                    TexRow::Cells(c) => Self::lines(&pick(c), &specs),
                    TexRow::Rule => 0,
                };
                let chunk = chunks.last_mut().expect("one chunk at least");
                if used + n > LINES_PER_TABULAR && !chunk.is_empty() {
                    chunks.push(Vec::new());
                    used = header_lines;
                }
                used += n;
                chunks.last_mut().expect("one chunk at least").push(row);
            }
            for rows in chunks {
                let rows: Vec<Option<Vec<&TexCell>>> = rows
                    .iter()
                    .map(|r| match r {
                        TexRow::Cells(c) => Some(pick(c)),
                        TexRow::Rule => None,
                    })
                    .collect();
                tabular(&mut out, &specs, &header, &rows);
            }
        }
        out
    }
}

/// The cells of `cols`.
fn pick<'a>(cols: &[usize], cells: &'a [TexCell]) -> Vec<&'a TexCell> {
    cols.iter().filter_map(|&c| cells.get(c)).collect()
}

/// One `tabular`: header, rows, and rules (`None`).
fn tabular(out: &mut String, specs: &[Spec], header: &[&TexCell], rows: &[Option<Vec<&TexCell>>]) {
    let preamble: String = specs
        .iter()
        .map(|s| match s {
            Spec::Left => "l".to_string(),
            Spec::Right => "r".to_string(),
            Spec::Para(w) => format!("p{{{:.3}\\linewidth}}", w / TEXT_WIDTH_PT),
        })
        .collect();
    // `\raggedright` redefines `\\` inside a paragraph cell, so rows of such tables end
    // with `\tabularnewline`.
    let paragraphs = specs.iter().any(|s| matches!(s, Spec::Para(_)));
    let end = if paragraphs {
        "\\tabularnewline"
    } else {
        "\\\\"
    };
    let line = |out: &mut String, cells: &[&TexCell]| {
        let cells: Vec<String> = cells
            .iter()
            .zip(specs)
            .map(|(c, s)| match s {
                // `\hspace{0pt}` lets TeX hyphenate the first word too.
                Spec::Para(_) => format!("\\raggedright\\hspace{{0pt}}{}", c.latex),
                _ => c.latex.clone(),
            })
            .collect();
        let _ = writeln!(out, "{} {end}", cells.join(" & "));
    };
    let _ = writeln!(
        out,
        "\\par\\noindent\\begin{{tabular}}{{{preamble}}}\n\\hline"
    );
    line(out, header);
    let _ = writeln!(out, "\\hline");
    let mut last_rule = true;
    for row in rows {
        match row {
            Some(cells) => {
                line(out, cells);
                last_rule = false;
            }
            None => {
                let _ = writeln!(out, "\\hline");
                last_rule = true;
            }
        }
    }
    if !last_rule {
        let _ = writeln!(out, "\\hline");
    }
    let _ = writeln!(out, "\\end{{tabular}}\\par\\smallskip");
}

/// A whole fragment: title (and subtitles) above, tables, then notes below, all visible.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fragment {
    /// Plain text.
    pub title: String,
    /// Plain text, one line each, under the title.
    pub subtitles: Vec<String>,
    pub tables: Vec<TexTable>,
    /// LaTeX (escaped by the caller), one paragraph each, under the tables.
    pub notes: Vec<String>,
}

impl Fragment {
    pub fn render(&self) -> String {
        // Grouped, so that the sizes and penalties set here end with the fragment; words of
        // the title and notes are not hyphenated, so that they can be searched in the PDF.
        let mut out = String::from(
            "% A fragment: \\input it in a LaTeX document (plain article, no packages needed).\n\
             \\begingroup\n",
        );
        let plain = "\\raggedright\\hyphenpenalty=10000\\exhyphenpenalty=10000";
        let _ = writeln!(
            out,
            "\\par{{{plain}\\noindent\\textbf{{{}}}\\par}}",
            escape(&self.title)
        );
        for s in &self.subtitles {
            let _ = writeln!(out, "{{{plain}\\noindent {}\\par}}", escape(s));
        }
        let _ = writeln!(
            out,
            "\\smallskip\n{{\\footnotesize\\setlength{{\\tabcolsep}}{{{TABCOLSEP_PT}pt}}"
        );
        for t in &self.tables {
            out.push_str(&t.render());
        }
        let _ = writeln!(out, "}}");
        if !self.notes.is_empty() {
            let _ = writeln!(out, "{{\\footnotesize{plain}");
            for n in &self.notes {
                let _ = writeln!(out, "\\noindent {n}\\par");
            }
            let _ = writeln!(out, "}}");
        }
        out.push_str("\\endgroup\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specials_and_comparison_signs_are_escaped() {
        assert_eq!(escape("p<0.10"), "p$<$0.10");
        assert_eq!(escape("|t| > 2"), "$|$t$|$ $>$ 2");
        assert_eq!(escape("50% & $"), "50\\% \\& \\$");
        assert_eq!(escape("a\nb"), "a b");
        assert_eq!(escape("Württemberg"), "W{\\\"u}rttemberg");
        assert_eq!(escape("2018 → 2019"), "2018 $\\rightarrow$ 2019");
        assert_eq!(escape("ŋ"), "[U+014B]");
    }

    #[test]
    fn a_table_too_wide_is_split_and_a_long_one_is_chunked() {
        let wide = TexTable {
            header: (0..12)
                .map(|i| TexCell::text(&format!("column {i}")))
                .collect(),
            rows: (0..100)
                .map(|r| {
                    TexRow::Cells(
                        (0..12)
                            .map(|i| TexCell::text(&format!("{r} value {i} with words")))
                            .collect(),
                    )
                })
                .collect(),
            numeric: vec![false; 12],
        };
        let tex = wide.render();
        let tabulars = tex.matches("\\begin{tabular}").count();
        assert!(tabulars >= 4, "{tabulars} tabulars");
        for group in wide.groups() {
            assert_eq!(group.0[0], 0, "every group repeats the first column");
        }
    }
}
