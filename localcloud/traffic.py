"""How a listener splits traffic between target groups, read from ELBv2's state.

    GET /_localcloud/traffic?listener=ARN

    {"listener": ARN, "protocol": "HTTP", "port": 80,
     "default": [{"targetGroupArn": ..., "weight": 90, "percent": 90.0},
                 {"targetGroupArn": ..., "weight": 10, "percent": 10.0}],
     "rules": [{"ruleArn": ..., "priority": 10, "conditions": [...], "split": [...]}]}

A forward action's ForwardConfig.TargetGroups are weighted: a target group gets
weight / (sum of weights) of the requests (all weights 0: every percent is 0 and
the load balancer has nowhere to send them). A forward action with a single
TargetGroupArn sends 100% there. An action that does not forward (redirect,
fixed-response) has an empty split and says its type in "action". Rules are
listed by priority, the default rule ("default" above) last; each split follows
the same arithmetic. Authentication actions before the forward are skipped.

moto 5.2.1 keeps the weights of CreateListener, ModifyListener, CreateRule and
ModifyRule and returns them from DescribeListeners/DescribeRules (checked by
tests/localcloud/test_traffic.py), so nothing is patched here.
"""

from __future__ import annotations

import argparse
from typing import Any

from localcloud.cloud import ControlError, ControlRequest, LocalCloud


def split_of(actions: list[Any]) -> tuple[str, list[dict[str, Any]]]:
    """(the deciding action's type, the split) for a rule's actions (moto FakeActions or dicts)."""
    datas = [a.data if hasattr(a, "data") else a for a in actions or []]
    datas = sorted(datas, key=lambda d: int(d.get("Order") or 0))
    deciding = next((d for d in datas if not str(d.get("Type", "")).startswith("authenticate-")), None)
    if deciding is None:
        return "", []
    kind = str(deciding.get("Type", ""))
    if kind != "forward":
        return kind, []
    groups = (deciding.get("ForwardConfig") or {}).get("TargetGroups") or []
    if groups:
        weighted = [(g["TargetGroupArn"], 1 if g.get("Weight") is None else int(g["Weight"])) for g in groups]
    elif deciding.get("TargetGroupArn"):
        weighted = [(deciding["TargetGroupArn"], 1)]  # no weights: all of it
    else:
        weighted = []
    total = sum(w for _, w in weighted)
    split = [{"targetGroupArn": arn, "weight": weight,
              "percent": round(100.0 * weight / total, 2) if total > 0 else 0.0}
             for arn, weight in weighted]
    return kind, split


def _find_listener(arn: str) -> Any:
    parts = arn.split(":")
    if len(parts) < 6 or parts[2] != "elasticloadbalancing" or ":listener/" not in arn:
        raise ControlError(f"traffic: 'listener' must be a listener ARN (arn:aws:elasticloadbalancing:REGION:"
                           f"ACCOUNT:listener/...), not {arn!r}")
    region, account = parts[3], parts[4]
    from moto.elbv2.models import elbv2_backends

    backend = elbv2_backends[account][region]
    for balancer in backend.load_balancers.values():
        listener = balancer.listeners.get(arn)
        if listener is not None:
            return listener
    raise ControlError(f"traffic: listener {arn} not found", status=404)


def traffic_view(listener: Any) -> dict[str, Any]:
    kind, default = split_of(listener.default_actions)
    view: dict[str, Any] = {"listener": listener.arn, "protocol": listener.protocol,
                            "port": int(listener.port) if str(listener.port).isdigit() else listener.port,
                            "action": kind, "default": default, "rules": []}
    rules = [r for r in listener.rules.values() if not getattr(r, "is_default", False)]
    rules.sort(key=lambda r: int(r.priority) if str(r.priority).isdigit() else 1 << 30)
    for rule in rules:
        rule_kind, split = split_of(rule.actions)
        view["rules"].append({"ruleArn": rule.arn, "priority": int(rule.priority) if str(rule.priority).isdigit()
                              else rule.priority, "conditions": rule.conditions, "action": rule_kind,
                              "split": split})
    return view


class Traffic:
    """The traffic route. Keeps no state."""

    def reset(self) -> None:
        pass

    def tick(self, now: float) -> None:
        pass

    def _get(self, req: ControlRequest) -> Any:
        arn = req.query.get("listener")
        if not arn:
            raise ControlError("traffic: query parameter 'listener' (a listener ARN) is required")
        return traffic_view(_find_listener(arn))


def install(cloud: LocalCloud, _args: argparse.Namespace) -> Traffic:
    traffic = Traffic()
    cloud.add_route("GET", "traffic", traffic._get)
    return traffic
