#!/usr/bin/awk -f
# The manual pages are made from the Markdown documents in docs/ (docs/lsmguard.8.md is
# lsmguard(8), docs/policy.md is lsmguard.ini(5)), so that the web pages and the man pages are
# one text. Usage: awk -v name=lsmguard -v section=8 -v summary="..." -f md2man.awk FILE.md
# The subset read: "#" (the document title, dropped), "##" and "###" headings, paragraphs,
# "- " and "1. " items, definition lists ("term" then ": definition"), tables (a row per
# entry: the first cell as the term), fenced and indented code, `code`, **bold**, *italic* and
# [links](target).
function esc(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	return s
}
function wrap(s, re, skip, font,   out) {
	out = ""
	while (match(s, re)) {
		out = out substr(s, 1, RSTART - 1) font substr(s, RSTART + skip, RLENGTH - 2 * skip) "\\fR"
		s = substr(s, RSTART + RLENGTH)
	}
	return out s
}
function inline(s,   out) {
	out = ""
	while (match(s, /\[[^]]*\]\([^)]*\)/)) { # [text](target): the text
		out = out substr(s, 1, RSTART - 1) substr(s, RSTART + 1, index(substr(s, RSTART), "]") - 2)
		s = substr(s, RSTART + RLENGTH)
	}
	s = esc(out s)
	gsub(/\\e\|/, "|", s)
	s = wrap(s, "`[^`]+`", 1, "\\fB")
	s = wrap(s, "\\*\\*[^*]+\\*\\*", 2, "\\fB")
	s = wrap(s, "\\*[^* ][^*]*\\*", 1, "\\fI")
	sub(/^ +/, "", s)
	if (s ~ /^[.']/)
		s = "\\&" s
	return s
}
function code_line(c) {
	gsub(/\\/, "\\e", c)
	if (c ~ /^[.']/)
		c = "\\&" c
	print c
}
function cells(s, out,   n, i) {
	sub(/^ *\| */, "", s)
	sub(/ *\| *$/, "", s)
	gsub(/\\\|/, "\001", s)
	n = split(s, out, / *\| */)
	for (i = 1; i <= n; i++)
		gsub(/\001/, "|", out[i])
	return n
}
{ line[++n] = $0 }
END {
	printf ".TH \"%s\" \"%s\" \"\" \"lsmguard\" \"lsmguard manual\"\n", toupper(name), section
	print ".SH NAME"
	print esc(name) " \\- " summary
	blank = 1
	for (i = 1; i <= n; i++) {
		s = line[i]
		if (s == "") {
			blank = 1
			continue
		}
		if (!section_seen && s !~ /^#/) {
			print ".SH DESCRIPTION" # text before the first heading
			section_seen = 1
		}
		if (s ~ /^## /)
			section_seen = 1
		if (s ~ /^```/) {
			print ".PP"
			print ".RS 4"
			print ".nf"
			for (i++; i <= n && line[i] !~ /^```/; i++)
				code_line(line[i])
			print ".fi"
			print ".RE"
			blank = 0
			continue
		}
		if (blank && s ~ /^    /) {
			print ".PP"
			print ".RS 4"
			print ".nf"
			for (; i <= n && (line[i] ~ /^    / || (line[i] == "" && line[i + 1] ~ /^    /)); i++)
				code_line(substr(line[i], 5))
			print ".fi"
			print ".RE"
			i--
			blank = 0
			continue
		}
		if (s ~ /^\|/) {
			if (line[i + 1] ~ /^\| *-/) { # a header row: its separator follows
				i++
				continue
			}
			k = cells(s, c)
			print ".TP"
			print inline(c[1])
			body = ""
			for (j = 2; j <= k; j++)
				body = body (j > 2 ? "; " : "") c[j]
			print inline(body)
			blank = 0
			continue
		}
		if (s ~ /^# /) {
			# the document's title: the man page has its own
		} else if (s ~ /^## /) {
			print ".SH " toupper(substr(s, 4))
		} else if (s ~ /^### /) {
			print ".SS " inline(substr(s, 5))
		} else if (s ~ /^ *- /) {
			sub(/^ *- /, "", s)
			print ".IP \\(bu 2"
			print inline(s)
		} else if (s ~ /^[0-9]+\. /) {
			print ".IP " substr(s, 1, index(s, " ") - 1) " 4"
			print inline(substr(s, index(s, " ") + 1))
		} else if (line[i + 1] ~ /^: /) {
			print ".TP"
			print inline(s)
			print inline(substr(line[++i], 3))
		} else {
			if (blank)
				print ".PP"
			print inline(s)
		}
		blank = 0
	}
}
