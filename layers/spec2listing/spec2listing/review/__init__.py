"""Review sheets: self-contained HTML pages for the people who approve listings."""
