fn main() {
    let files: Vec<(String, String)> = std::env::args()
        .skip(1)
        .map(|p| (p.clone(), std::fs::read_to_string(&p).expect("read")))
        .collect();
    print!("{}", lint::render_text(&lint::lint_files(&files)));
}
