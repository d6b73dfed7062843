"""Demo notices for the district hall's display board (/board/XH/): found again by centre and text, so a second run
creates nothing; each runs from the first of this month to the end of next month, so the board shows them whenever
the demo is seeded."""

from __future__ import annotations

from django.utils import timezone

from guide.models import Notice
from hallservice.core.months import month_end, month_start, next_month
from staff.models import ServiceCentre

from .writing import Tally, upsert

NOTICES = [
    "帮办代办服务全程免费，如遇索要费用或礼品，请拨打投诉电话或到督查指导科反映。",
    "企业开办、不动产登记、公积金提取等高频事项可在一楼帮办代办服务台预约全程代办。",
    "办事前可扫描大厅二维码查看“一次性告知单”，提前备齐材料，争取一次办好。",
    "对服务不满意？请在办结后扫码评价，“一次未办好”可到服务台投诉。",
]


def seed_notices(tally: Tally, centres: dict[str, ServiceCentre]) -> None:
    today = timezone.localdate()
    first, last = month_start(today), month_end(next_month(today))
    for position, text in enumerate(NOTICES, start=1):
        upsert(
            Notice,
            {"centre": centres["XH"], "text": text},
            {"starts_on": first, "ends_on": last, "position": position},
            tally,
            "notices",
        )
