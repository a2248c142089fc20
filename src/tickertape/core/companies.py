"""The bundled list of listed companies, and finding their names in text.

The list comes from ``pytickersymbols`` (about 1,800 companies of the major US,
European and Japanese indices, shipped as package data: nothing is fetched). It is
loaded once per process, on first use, with the Aho-Corasick automaton built from
it (about 0.5 s and 14 MB on a 2-core machine), so the first call belongs in a
worker, never on a UI thread. The automaton is ``ahocorasick_rs``: on a 4.5 KB body it
scans in about 0.1 ms where ``pyahocorasick`` took 0.45 ms, and every body of an
index is scanned when it is built.

Names are matched conservatively, because a false ticker is worse than a missed one:

- a name matches as a whole word, written with the capitals of the listing
  ("Texas Instruments", "Nvidia" or "NVIDIA", never "nvidia");
- the listed name minus its corporate suffix ("Apple" for "Apple Inc.") is the
  alias; a name the listing writes with its suffix still matches with it ("Apple Inc");
- an alias that is also a common word or name ("Apple", "Target", "Ford", "Amazon"
  is not one) needs evidence next to it: a corporate suffix ("Apple Inc"), a
  possessive ("Apple's iPhone"), a ticker form ("Apple (AAPL)"), ``.com`` or
  "shares"/"stock" after it;
- so does a short all-capital alias made by dropping a suffix ("BT" of "BT Group");
- market and index names that are also companies ("Nasdaq", "Dow") never match alone.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def words(text: str) -> frozenset[str]:
    """A set of words written as one string: long word lists stay readable."""
    return frozenset(text.split())


# Corporate suffixes dropped from listed names to get the alias, and accepted after
# an alias as evidence that a company is meant.
_SUFFIXES = (
    "Inc.", "Inc", "Incorporated", "Corporation", "Corp.", "Corp", "Company", "Co.",
    "Co", "Companies", "plc", "PLC", "Plc", "AG", "SE", "SA", "S.A.", "N.V.", "NV",
    "Ltd.", "Ltd", "Limited", "AB", "ASA", "Oyj", "A/S", "Holdings", "Holding",
    "Group", "LLC", "L.P.", "LP", "& Co.", "& Co",
)  # fmt: skip
_SUFFIX = "|".join(re.escape(suffix) for suffix in _SUFFIXES)
_SUFFIX_AFTER = re.compile(
    rf"(?:,?[ ](?:{_SUFFIX})(?![\w&])|\.com\b|(?:'|’|&\#39;|&\#x27;|&rsquo;|&\#8217;)s\b"
    r"|[ ](?:shares|stock|stocks)\b"
    r"|\s{0,2}(?:<a\b[^>]{0,300}>\s*)?"
    r"\((?:[A-Za-z ]{2,15}:\s?)?[A-Z][A-Za-z0-9]{0,9}(?:\.[A-Za-z]{1,3})?\s?\)"
    r"|\s{0,2}(?:<|&lt;)[A-Z]{1,6}(?:\.[A-Z]{1,2})?(?:>|&gt;))"
)
_TRAILING_SUFFIX = re.compile(rf"(?:,?\s+(?:{_SUFFIX}))+\s*\Z")

# What may follow a name before a bare "(SYM)": a possessive, suffixes, a comma.
_NAME_TAIL = re.compile(rf"(?:'s|’s)?(?:,?\s+(?:{_SUFFIX}))*[\s,.]*\Z")

# Aliases that are also everyday words, places or people's names: they match only
# with evidence next to them. Made from the corpus: listed aliases that appear in
# lower case in running text, plus names and places read there as something else.
COMMON_ALIASES = words(
    """
    adobe aegon aena affirm air alcon align allegion alliant ally amplifon
    ampol apple arcadis arch assurant atlas avanos avantor avient axis ball balder
    barratt beacon berry best bio block bloom booking brady brighthouse brink bunge
    cabot cadence caesars cal capri cardinal carnival carrier casella catalent
    caterpillar central century champion chemed cinemark cintas citizens clear
    compass conduent continental corteva crane crown dana darling deckers delta
    denny diamond discover dollar domino dover eagle eastman ecolab edison element
    elevance emerson encore energy ensign envista equinix equity essential
    everest evolution expedia extra fabrinet fair fidelity first flex flowers ford
    fortive fortune frontier gap garmin general generac genuine gilead glacier
    global globe graham granite graphic green halliburton hanover harmony heartland
    henry herc hershey hess highwoods hilton home hope hub hubbell humana hunt
    huntington ingevity insight interface iron jack jacobs jones kellogg kemper
    keycorp kohl las leggett lennar liberty lincoln lines lowe macerich madison
    manhattan marathon marriott mastercard matson matthews medical mercury merit
    meritage micron middleby mohawk monarch moody motorola murphy national
    navient news newmont next nexstar northern nuance oceaneering old olympic
    omnicom oracle orion otis owens pacific paramount patterson penn pinnacle
    pioneer plains polaris pool premier primerica principal progressive prosperity
    prudential public quaker radian ralph realty regal regency regions reliance
    renasant republic resmed robert rollins ross royal ryder safety sally schneider
    scholastic seaboard select sensient service shell simmons simon simply
    sleep snap southern southwest spectrum sprouts standard state steel stellar
    stride summit sun superior sylvamo synaptics target teleflex terex textron
    thermon titan toll tractor travel tree trinity triumph trust tyson union
    united universal unum valley vector veritex vertex viavi vicor visa vulcan
    walker warrior waters watts welltower western wolverine world wyndham xerox
    zoom admiral arm box city employers enact gates investor match now orange
    partners rational recruit screen sharp shift travelers cognizant bancorp
    dow nasdaq ice cme
    """
)
# All-capital words that are acronyms far more often than tickers or names.
ACRONYMS = words(
    """
    A I AI AP CEO CFO COO CTO CIO USA US UK EU UN GDP EPS ETF ETFS IPO IPOS SEC FDA CDC
    FBI CIA NASA NATO OPEC IMF ECB FED FOMC CPI PPI PMI ESG EV EVS NFT NFTS BTC ETH
    SOL XRP DOGE ADA USD EUR GBP JPY CNY LNG OK TV PC IT AM PM HR PR QA Q1 Q2 Q3 Q4
    IRS DOJ FTC FCC EPA DOE DHS NHTSA WHO WTO NBA NFL NHL MLB CNN CNBC BBC ABC NBC
    CBS FOX NPR WSJ NYT LLC INC CORP LTD PLC ROI YOY QOQ API APP APPS AR VR ML LLM
    GPU CPU SUV USB OS ID ATM VAT NYSE NASDAQ AMEX OTC LSE TSX ASX DOW
    """
)
_MARKET_NAMES = frozenset({"dow", "nasdaq", "ice", "cme"})
# Well-known names the listing does not spell out: alias -> listed name.
_EXTRA_ALIASES = {
    "Google": "Alphabet Inc.",
    "Facebook": "Meta Platforms",
    "Meta": "Meta Platforms",
    "JPMorgan": "JPMorgan Chase",
    "JP Morgan": "JPMorgan Chase",
    "J.P. Morgan": "JPMorgan Chase",
    "Goldman": "Goldman Sachs",
    "Exxon": "ExxonMobil",
    "Exxon Mobil": "ExxonMobil",
    "Berkshire": "Berkshire Hathaway",
    "Disney": "The Walt Disney Company",
    "Walt Disney": "The Walt Disney Company",
    "Coca-Cola": "The Coca-Cola Company",
    "Wal-Mart": "Walmart",
    "Citi": "Citigroup",
    "Advanced Micro Devices": "AMD",
    "Deere": "John Deere",
    "Lilly": "Eli Lilly and Company",
    "Merck": "Merck & Co.",
    "Procter and Gamble": "Procter & Gamble",
    "Amazon.com": "Amazon",
    "Salesforce.com": "Salesforce",
    "Ford": "Ford Motor Company",
    "Mondelez": "Mondelez International",
}
_DATELINE_AFTER = re.compile(r",|\s\(|\s[-–—]")
# Two-character names known well enough to stand alone.
_SHORT_NAMES = frozenset({"BP", "3M"})
# A capitalised name followed by one of these is a place: "the Amazon river".
_PLACE_AFTER = re.compile(
    r" (?:river|rainforest|rain forest|basin|jungle|forest|region|valley|tribe)s?\b",
    re.IGNORECASE,
)
_US_EXCHANGES = {"NASDAQ": ".O", "NYSE": ".N"}


@dataclass(slots=True, frozen=True)
class NameHit:
    """A company name found in text: ``text[start:end]`` names the company ``code``."""

    start: int
    end: int
    code: str


@dataclass(slots=True, frozen=True)
class _Alias:
    text: str  # as listed, for the capitals check
    code: str
    needs_evidence: bool
    exact: bool  # the listed name itself, or a well-known alias of it


def _choose(found: list[_Alias]) -> _Alias | None:
    """The one company an alias names: the only one, or the only exact one."""
    if len({alias.code for alias in found}) == 1:
        return found[0]
    exact = {alias.code: alias for alias in found if alias.exact}
    return next(iter(exact.values())) if len(exact) == 1 else None


def company_code(company: dict[str, Any]) -> str | None:
    """The ticker code a listed company is filed under, in the form tickers take here.

    A US listing gets the exchange suffix of the instrument links (``NVDA.O``,
    ``GS.N``) so a name and a link to the same company give one code; others keep
    the listing's own (``BP.L``, ``7203.T``; share classes joined: ``ERICB.ST``).
    """
    symbol = str(company.get("symbol") or "").replace("-", "")
    for listing in company.get("symbols") or ():
        exchange, _, us_symbol = str(listing.get("google") or "").partition(":")
        same = not symbol or us_symbol.replace(".", "") == symbol.replace(".", "")
        if exchange in _US_EXCHANGES and us_symbol and "." not in symbol and same:
            return us_symbol + ("" if "." in us_symbol else _US_EXCHANGES[exchange])
    if not symbol or not re.fullmatch(r"[A-Z0-9]{1,10}(?:\.[A-Z]{1,3})?", symbol):
        return None
    return symbol


def alias_of(name: str) -> str:
    """The name people write: the listed one without parentheses, "The" and suffixes."""
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    name = name.removeprefix("The ")
    short = _TRAILING_SUFFIX.sub("", name).strip(" ,")
    return short or name


def _capitalisations(alias: str) -> set[str]:
    """How a name may be capitalised in text: as listed, in capitals, each word capitalised."""
    words_capitalised = " ".join(word[:1].upper() + word[1:] for word in alias.split(" "))
    return {alias, alias.upper(), words_capitalised}


def _capitals_agree(listed: str, written: str) -> bool:
    """Every word capitalised in the listing is capitalised where it is written."""
    for want, got in zip(listed.split(" "), written.split(" "), strict=False):
        if want[:1].isupper() and not (got[:1].isupper() or got[:1].isdigit()):
            return False
        if want.isupper() and len(want) > 1 and not got.isupper():
            return False  # "IBM", "SAP": an all-capital name stays all capitals
    return True


class CompanyCatalog:
    """The listed companies, their codes and the automaton over their aliases."""

    def __init__(self, companies: list[dict[str, Any]]) -> None:
        import ahocorasick_rs

        self.names: dict[str, str] = {}  # code -> listed name
        self.symbols: set[str] = set()  # bare symbols (bases) of every listed code
        aliases: dict[str, list[_Alias]] = {}
        by_name: dict[str, str] = {}
        for company in companies:
            code = company_code(company)
            name = str(company.get("name") or "")
            if code is None or not name:
                continue
            self.names.setdefault(code, name)
            by_name[name] = code
            self.symbols.add(code.partition(".")[0])
            for listing in company.get("symbols") or ():
                exchange, _, us_symbol = str(listing.get("google") or "").partition(":")
                if exchange in _US_EXCHANGES:
                    self.symbols.add(us_symbol.partition(".")[0])
            alias = alias_of(name)
            self._add(aliases, alias, code, derived=alias != name)
            if alias != name and not name.startswith("The "):
                self._add(aliases, re.sub(r"\s*\([^)]*\)", "", name), code, derived=False)
        for extra, listed in _EXTRA_ALIASES.items():  # exact: they win over derived ones
            if listed in by_name:
                self._add(aliases, extra, by_name[listed], derived=False)
        # Case-sensitive, with the ways a name is capitalised: a scan of the text as it
        # is then meets only capitalised candidates, not "ally" inside "really".
        self.aliases: dict[str, _Alias] = {}  # lower-case alias -> the one it names
        self._patterns: list[_Alias] = []
        written_forms: list[str] = []
        for key, found in aliases.items():
            chosen = _choose(found)
            if chosen is None:
                continue
            self.aliases[key] = chosen
            for written in sorted(_capitalisations(chosen.text)):
                written_forms.append(written)
                self._patterns.append(chosen)
        self._automaton = ahocorasick_rs.AhoCorasick(written_forms)

    @staticmethod
    def _add(
        aliases: dict[str, list[_Alias]], alias: str, code: str, *, derived: bool
    ) -> None:
        key = alias.lower()
        if len(alias) < 2 or key in _MARKET_NAMES:
            return
        short = len(alias) <= 2 and alias not in _SHORT_NAMES
        needs = key in COMMON_ALIASES or alias.upper() in ACRONYMS or short
        needs = needs or (derived and alias.isupper() and len(alias) <= 3)
        for written in {alias, alias.replace("&", "&amp;")}:
            aliases.setdefault(written.lower(), []).append(
                _Alias(written, code, needs, exact=not derived)
            )

    def is_symbol(self, symbol: str) -> bool:
        """Whether a bare symbol (``NVDA``) is one of a listed company's."""
        return symbol in self.symbols

    def find_names(self, text: str) -> list[NameHit]:
        """Company names in ``text`` (plain or raw HTML), leftmost-longest, in order."""
        return self.scan_names(text)[0]

    def scan_names(
        self, text: str, *, named: set[str] | None = None
    ) -> tuple[list[NameHit], list[NameHit]]:
        """Names found, and names that lacked only evidence next to them ("Apple"
        alone): those count when the article has the company's ticker anyway.

        With ``named`` (codes found so far, updated here) only each company's first
        mention is looked at: what detection needs, and linear on hostile input.
        """
        if not text:
            return [], []
        patterns = self._patterns
        candidates = sorted(
            (start, -end, index)
            for index, start, end in self._automaton.find_matches_as_indexes(
                text, overlapping=True
            )
        )
        hits: list[NameHit] = []
        pending: list[NameHit] = []
        taken_to = -1
        for start, negative_end, index in candidates:
            end = -negative_end
            alias = patterns[index]
            if start < taken_to:
                continue
            if named is not None and alias.code in named:
                taken_to = end  # named already: as if accepted, without a second look
                continue
            verdict = self._accept(text, start, end, alias)
            if verdict is None:
                continue
            hit = NameHit(start, end, alias.code)
            if verdict:
                hits.append(hit)
                taken_to = end
                if named is not None:
                    named.add(alias.code)
            else:
                pending.append(hit)
        return hits, pending

    @staticmethod
    def _accept(text: str, start: int, end: int, alias: _Alias) -> bool | None:
        """True for a name, False for one that lacks evidence, None for no name."""
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-_/@.&"):
            return None
        if end < len(text) and (text[end].isalnum() or text[end] in "_/@"):
            return None
        if end + 1 < len(text) and text[end] == "-" and text[end + 1].isalpha():
            return None  # "Apple-like"
        if not _capitals_agree(alias.text, text[start:end]):
            return None
        if _PLACE_AFTER.match(text, end):
            return None
        written = text[start:end]
        dateline = (
            " " not in written
            and written.isupper()
            and not alias.text.isupper()
            and _DATELINE_AFTER.match(text, end) is not None
        )  # "PHOENIX, April 13 -": a city in capitals, not the company
        if not alias.needs_evidence and not dateline:
            return True
        return _SUFFIX_AFTER.match(text, end) is not None

    def iter_codes_before(self, text: str) -> Iterator[str]:
        """Codes of the names that end ``text`` (ignoring trailing spaces and commas)."""
        tail = _NAME_TAIL.sub("", text[-120:].rstrip(" ,"))
        hits, pending = self.scan_names(tail)
        for hit in hits + pending:
            if hit.end == len(tail):
                yield hit.code


_lock = threading.Lock()
_catalog: CompanyCatalog | None = None


def company_catalog() -> CompanyCatalog:
    """The catalog, built on first use and kept for the process (thread-safe)."""
    global _catalog
    if _catalog is None:
        with _lock:
            if _catalog is None:
                from pytickersymbols import PyTickerSymbols

                _catalog = CompanyCatalog(PyTickerSymbols().get_all_stocks())
    return _catalog
