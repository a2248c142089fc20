"""The query language's reference for the user (``--help`` of the commands that take
``-q``, the reader's help screen), apart from the compiler so that building a
command's parser does not load it."""

from __future__ import annotations

from typing import Final

QUERY_HELP: Final = """\
Search: type words, all must match (case and accents ignored: cafe finds café)
  nvidia chips            both words, in title, summary or body
  nvid*                   words starting with nvid (2 characters at least before *)
  "export rules"          the exact phrase
  -china -"trade war"     leave out articles with a word or phrase
  nvidia OR amd           either; OR is upper-case (a lower-case or is a word)
  (nvidia OR amd) -intel  parentheses group; -( ... ) leaves out a group
  - binds tightest, then the implicit AND between terms, then OR.

Fields (names in any case; quote values with spaces: source:"wall street")
  ticker:NVDA             any NVDA listing (NVDA.O, NVDA.OQ); ticker:NVDA.O only that one
  $NVDA  AMZN.O  NASDAQ:AAPL
                          tickers too; quote a dotted word to search it as text: "amazon.com"
  sentiment:negative      the direction: also positive, neutral, pos, neg, neu;
                          sentiment:none for articles without one (shown as ?)
  sentiment:bullish       a label as the feed writes it (case and punctuation ignored);
                          a plain word takes its graded forms along (Somewhat-Bullish),
                          sentiment:somewhat-bullish finds only those
  source:reuters          the source contains the text
  lang:en                 the language code
  after:2024-12-01        published on or after the start of that day (UTC)
  before:2024-12          published before the start of that month (UTC); also 2024
  after:7d                relative: h hours, d days, w weeks, m months, y years ago
  conf>0.9                confidence, also >=, <, <=
  score>0.3  score<-0.2  the signed sentiment score, -1 to 1, also >=, <=
  is:unread  is:read  is:starred
  is:lead                 one article a story: the earliest version of each cluster
  dupes:3                 stories with at least 3 versions (their every version)
Articles with no date, confidence or score never match date, conf or score filters.
A word with a colon that is not a field, like 10:30, is searched as words.
"""
