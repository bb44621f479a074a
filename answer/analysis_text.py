"""The Chinese answer to an analytical question, from its AnalysisResult (indicators/analysis.py).

The conclusion comes first, on one line ("云浮市最严：……，严于……"); then one line per plan quoting the
words that set its figure, each with its citation marker; then what the plans that give no comparable
figure say instead (a figure of another year or definition, words without a figure), and the plans that
never name the indicator; last the qualifiers or missing base years that make the conclusion uncertain.
Every figure in the text is a record's, and every quote a verbatim slice of the clause it cites.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from carbonqa.answer.compose import CitationBook
from carbonqa.indicators.analysis import PERCENT, AnalysisResult, PlanLine, PlanStatus, number_text
from carbonqa.indicators.models import AnalysisOperation, Comparator, Extreme, Indicator, Side
from carbonqa.ingest.models import Chunk

ENDS = {Extreme.high: "最高", Extreme.low: "最低", Extreme.strict: "最严", Extreme.loose: "最宽松"}
COUNTED_ENDS = {Extreme.high: "最多", Extreme.low: "最少"}  # for amounts (万千瓦, 个), not shares
BEYOND = {Extreme.high: "高于", Extreme.low: "低于", Extreme.strict: "严于", Extreme.loose: "宽于"}
COMPARATORS = {Comparator.at_least: "不低于", Comparator.more_than: "高于", Comparator.at_most: "不高于",
               Comparator.less_than: "低于"}


class AnalysisText:
    """Writes one result's answer; `chunks` maps clause ids to the clauses the records quote."""

    def __init__(self, result: AnalysisResult, chunks: Mapping[str, Chunk]):
        self.result = result
        self.chunks = chunks
        self.book = CitationBook()

    def run(self) -> tuple[str, CitationBook]:
        """The answer text with [n] markers, and the citations they stand for."""
        result = self.result
        conclusion = self._conclusion()  # cites first, so the conclusion's figures get the first markers
        lines = [conclusion]
        plans = ([result.reference] if result.reference else []) + result.lines
        lines += [self._plan_line(line) for line in plans if line.status is not PlanStatus.not_mentioned]
        silent = [line.region for line in plans if line.status is PlanStatus.not_mentioned]
        if silent:
            lines.append(f"未提及{result.indicator}的方案：{'、'.join(silent)}。")
        if result.cautions:
            lines.append("注：" + "；".join(result.cautions) + "。")
        return "\n".join(lines), self.book

    # ---- the conclusion ----------------------------------------------------------------------------

    def _conclusion(self) -> str:
        result = self.result
        if not result.comparable:
            return f"无法直接比较{self._subject()}：{result.reason}。"
        write = {
            AnalysisOperation.superlative: self._superlative,
            AnalysisOperation.rank: self._rank,
            AnalysisOperation.reference: self._reference,
            AnalysisOperation.difference: self._difference,
            AnalysisOperation.threshold: self._threshold,
            AnalysisOperation.coverage: self._coverage,
            AnalysisOperation.count: self._count,
        }[result.operation]
        return write()

    def _superlative(self) -> str:
        result = self.result
        end = ENDS[result.extreme]
        if result.unit not in PERCENT and result.extreme in COUNTED_ENDS:
            end = COUNTED_ENDS[result.extreme]
        winners = [result.line(region) for region in result.winners]
        rest = [line for line in self._ordered() if line.region not in result.winners]
        if not rest:  # every plan sets the same figure: of two, neither is higher
            level = "相同" if len(winners) == 2 else f"并列{end}（数值相同）"
            return f"{'、'.join(result.winners)}{level}：{self._subject()}{self._tied(winners)}。"
        if len(result.lines) == 2:  # of two plans asked about, one is 更高
            end = end.replace("最", "更")
        who = "、".join(result.winners) + ("并列" if len(winners) > 1 else "")
        beyond = f"，{BEYOND[result.extreme]}{'、'.join(self._short(line) for line in rest)}" if rest else ""
        other_end = "、".join(line.region for line in rest if line.value == rest[-1].value)
        spread = f"；{who}与{other_end}相差{result.difference_text}" if result.difference_text else ""
        return f"{who}{end}：{self._subject()}{self._tied(winners)}{beyond}{spread}。"

    def _tied(self, lines: list[PlanLine]) -> str:
        """The figures of plans level with each other: 均为不低于70%[1][2][3] when worded alike."""
        if len(lines) > 1 and len({line.records[0].label for line in lines}) == 1:
            return "均为" + lines[0].records[0].label + "".join(self._marker(line) for line in lines)
        return "、".join(self._figure(line) for line in lines)

    def _rank(self) -> str:
        result = self.result
        total = len(result.figures)
        order = "由低到高" if result.lower_is_stricter else "由高到低"
        parts = [f"{region}排第{result.positions[region]}（{self._figure(result.line(region))}）"
                 for region in result.focus if region in result.positions]
        return f"{self._subject()}在给出数值的{total}个方案中（按数值{order}），" + "，".join(parts) + "。"

    def _reference(self) -> str:
        result = self.result
        province = result.reference
        if result.difference is not None:  # one plan singled out
            line = result.line(result.focus[0])
            if result.ratio_text:
                return self._ratio(line, province)
            if result.difference == 0:
                return (f"{line.region}与{province.region}相同：{self._subject()}均为{self._figure(line)}、"
                        f"{self._figure(province)}。")
            side = "高" if result.difference > 0 else "低"
            return (f"{line.region}比{province.region}{side}{result.difference_text}：{self._subject()}{line.region}"
                    f"{self._figure(line)}，{province.region}{self._figure(province)}。")
        if result.gaps:  # how far each plan is from it
            gaps = "，".join(f"{region}{gap}" for region, gap in result.gaps.items())
            return f"{self._subject()}与{province.region}（{self._figure(province)}）相比：{gaps}。"
        chosen = [result.line(region) for region in result.selected]
        if result.side is Side.same:
            listed = "、".join(line.region for line in chosen)
            head = f"{self._subject()}与{province.region}（{self._figure(province)}）相同的"
            return f"{head}有{len(chosen)}个：{listed}。" if chosen else f"没有方案的{head[:-1]}。"
        side = "低于" if result.side is Side.lower else "高于"
        listed = "、".join(f"{line.region}（{self._figure(line)}）" for line in chosen)
        same = f"；与{province.region}相同的有{'、'.join(result.equal)}" if result.equal else ""
        head = f"{self._subject()}{side}{province.region}（{self._figure(province)}）的"
        if not chosen:
            return f"没有方案的{head[:-1]}{same}。"
        return f"{head}有{len(chosen)}个：{listed}{same}。"

    def _difference(self) -> str:
        result = self.result
        first, second = (result.line(region) for region in result.focus[:2])
        if result.difference == 0:
            return (f"{first.region}与{second.region}相同：{self._subject()}均为{self._figure(first)}、"
                    f"{self._figure(second)}。")
        if result.ratio_text:
            return self._ratio(first, second)
        higher, lower = (first, second) if result.difference > 0 else (second, first)
        more = "高" if result.unit in PERCENT else "多"
        return (f"{higher.region}比{lower.region}{more}{result.difference_text}：{self._subject()}{higher.region}"
                f"{self._figure(higher)}，{lower.region}{self._figure(lower)}。")

    def _ratio(self, line: PlanLine, other: PlanLine) -> str:
        return (f"{line.region}是{other.region}的{self.result.ratio_text}：{self._subject()}{line.region}"
                f"{self._figure(line)}，{other.region}{self._figure(other)}。")

    def _threshold(self) -> str:
        result = self.result
        bar = f"{COMPARATORS[result.comparator or Comparator.at_least]}{result.threshold_text}"
        chosen = [result.line(region) for region in result.selected]
        if not chosen:
            return f"没有方案的{self._subject()}{bar}。"
        listed = "、".join(f"{line.region}（{self._figure(line)}）" for line in chosen)
        return f"{self._subject()}{bar}的有{len(chosen)}个：{listed}。"

    def _coverage(self) -> str:
        result = self.result
        what = f"{self._subject()}{result.stated}" if result.stated else f"{self._subject()}具体数值"
        if result.unstated:
            if not result.selected:
                return f"各方案都给出了{what}。"
            return f"未给出{what}的有{len(result.selected)}个：{'、'.join(result.selected)}。"
        if not result.selected:
            return f"没有方案给出{what}。"
        return f"给出{what}的有{len(result.selected)}个：{'、'.join(result.selected)}。"

    def _count(self) -> str:
        result = self.result
        what = f"{self._subject()}{result.stated}" if result.stated else f"{self._subject()}的具体数值"
        verb = "未给出" if result.unstated else "给出了"
        counted = result.counted_with
        if not result.selected:
            return f"共0{counted}：{'各方案都给出了' if result.unstated else '没有方案给出'}{what}。"
        return f"共{len(result.selected)}{counted}{verb}{what}：{'、'.join(result.selected)}。"

    # ---- the plans' lines ---------------------------------------------------------------------------

    def _plan_line(self, line: PlanLine) -> str:
        cited = "；".join(self._quoted(record) for record in line.records)
        if line.status is PlanStatus.figure:
            converted = self._converted(line)
            return f"{line.region}：{cited}{converted}。" + (f"（{line.note}）" if line.note else "")
        if line.status is PlanStatus.in_words:
            mention = line.mention
            marker = self.book.cite(self.chunks[mention.clause_id], mention.quote)
            year = f"{self.result.year}年的" if self.result.year else ""
            also = f"（另：{cited}）" if cited else ""
            if line.note:  # the words state the figure asked, without its year
                return f"{line.region}：方案写的是“{mention.quote}”[{marker}]（{line.note}）。{also}"
            return f"{line.region}：未给出{year}数值，方案写的是“{mention.quote}”[{marker}]。{also}"
        return f"{line.region}：{line.note}：{cited}。"

    def _quoted(self, record: Indicator) -> str:
        marker = self.book.cite(self.chunks[record.clause_id], record.quote)
        return f"（{record.year}年）{record.quote}[{marker}]"

    def _converted(self, line: PlanLine) -> str:
        record = line.records[0]
        if line.value is None or record.unit == self.result.unit:
            return ""
        return f"（即{number_text(Decimal(str(line.value)))}{self.result.unit}）"

    def _figure(self, line: PlanLine) -> str:
        """The compared figure as the plan qualifies it, with its marker: 比2020年下降15%[3]."""
        return f"{line.records[0].label}{self._converted(line)}{self._marker(line)}"

    def _marker(self, line: PlanLine) -> str:
        record = line.records[0]
        return f"[{self.book.cite(self.chunks[record.clause_id], record.quote)}]"

    def _short(self, line: PlanLine) -> str:
        return f"{line.region}（{line.records[0].label}{self._converted(line)}）"

    def _ordered(self) -> list[PlanLine]:
        """The figures from the winner's end: highest first for 最高, strictest first for 最严."""
        result = self.result
        descending = {Extreme.high: True, Extreme.low: False, Extreme.strict: not result.lower_is_stricter,
                      Extreme.loose: result.lower_is_stricter}[result.extreme]
        return sorted(result.figures, key=lambda line: line.value, reverse=descending)

    def _subject(self) -> str:
        year = f"到{self.result.year}年" if self.result.year else ""
        return f"{year}{self.result.indicator}"


def analysis_text(result: AnalysisResult, chunks: Mapping[str, Chunk]) -> tuple[str, CitationBook]:
    """The answer's text with [n] markers, and its citations."""
    return AnalysisText(result, chunks).run()
