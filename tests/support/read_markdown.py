#!/usr/bin/env python3
"""Reads a Markdown report the way GitHub shows it and prints what a reader
sees, as JSON. Renders with cmark-gfm (GitHub's own renderer, with GitHub's
extensions; --unsafe keeps raw HTML as GitHub's step summaries do) and walks
the HTML:

  {"tags": [every element name used, sorted],
   "headings": [text], "paragraphs": [text],
   "tables": [{"header": [cell text], "rows": [[cell text]],
               "cell_tags": [element names used inside cells]}],
   "details": [{"summary": text, "code": text of its code block}]}

Usage: read_markdown.py FILE
"""
import html.parser
import json
import subprocess
import sys


class Reader(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = {"tags": set(), "headings": [], "paragraphs": [], "tables": [], "details": []}
        self.stack = []
        self.text = None  # collecting text of the current block, or None

    def handle_starttag(self, tag, attrs):
        self.out["tags"].add(tag)
        if tag == "table":
            self.out["tables"].append({"header": [], "rows": [], "cell_tags": set()})
        elif tag == "tr" and "table" in self.stack:
            self.row = []
        elif tag in ("td", "th"):
            self.text = ""
        elif tag == "details":
            self.out["details"].append({"summary": "", "code": ""})
        elif tag in ("h1", "h2", "h3", "p", "summary"):
            self.text = ""
        elif tag == "code" and "pre" in self.stack:
            self.text = ""
        if ("td" in self.stack or "th" in self.stack) and self.out["tables"]:
            self.out["tables"][-1]["cell_tags"].add(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack[-1] != tag:
            self.stack.pop()
        if self.stack:
            self.stack.pop()
        if tag in ("td", "th"):
            self.row.append(self.text.strip())
            self.text = None
        elif tag == "tr" and "table" in self.stack:
            table = self.out["tables"][-1]
            if "thead" in self.stack:
                table["header"] = self.row
            else:
                table["rows"].append(self.row)
        elif tag in ("h1", "h2", "h3"):
            self.out["headings"].append(self.text.strip())
            self.text = None
        elif tag == "p" and self.text is not None:
            self.out["paragraphs"].append(self.text.strip())
            self.text = None
        elif tag == "summary" and self.out["details"]:
            self.out["details"][-1]["summary"] = self.text
            self.text = None
        elif tag == "code" and "pre" in self.stack and self.text is not None:
            if self.out["details"]:
                self.out["details"][-1]["code"] = self.text
            self.text = None

    def handle_data(self, data):
        if self.text is not None:
            self.text += data


def main():
    with open(sys.argv[1], "rb") as f:
        markdown = f.read()
    # GitHub's extensions: tables, ~~strikethrough~~, autolinks (www., https:),
    # task lists, and the tag filter (<script> and the like are shown as text).
    extensions = ["-e", "table", "-e", "strikethrough", "-e", "autolink", "-e", "tasklist",
                  "-e", "tagfilter"]
    rendered = subprocess.run(["cmark-gfm", "--unsafe", *extensions], input=markdown,
                              capture_output=True, check=True).stdout.decode()
    reader = Reader()
    reader.feed(rendered)
    reader.close()
    out = reader.out
    out["tags"] = sorted(out["tags"])
    for table in out["tables"]:
        table["cell_tags"] = sorted(table["cell_tags"])
    out["html"] = rendered
    print(json.dumps(out))


if __name__ == "__main__":
    main()
