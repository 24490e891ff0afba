"""Reports: everything an officer sees: formatting, sentences, headline, tables, charts, HTML, xlsx, CSV and PDF."""
