"""Model (data scientists): the registered versions with their metrics and aliases, and one
need-model version's calibration plot and model card."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from ml.serving import service
from ml.serving.pages import charts
from ml.serving.pages.data import card_html, run_artifacts
from ml.serving.pages.i18n import Translator
from ml.serving.pages.session import Session
from ml.serving.pages.web import lang_of, needs, render, state_of
from ml.serving.roles import Permission
from ml.training.registry import NEED_MODEL

router = APIRouter(include_in_schema=False)

Reader = Annotated[Session, Depends(needs(Permission.READ_MODELS))]
METRICS = ("test_roc_auc", "test_pr_auc", "test_brier", "test_ece")
APPRAISAL_METRICS = ("appraisal_test_rmse", "appraisal_test_mae", "appraisal_test_r2")


@router.get("/model")
def models_page(
    request: Request, reader: Reader, v: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    state = state_of(request)
    t = Translator(lang_of(request))
    answer = service.models(state)
    need = next(m for m in answer["data"] if m["name"] == NEED_MODEL)["versions"]
    serving = answer["serving"]
    wanted = v or (serving["model"]["version"] if serving else (need[0]["version"] if need else ""))
    chosen = next((x for x in need if x["version"] == wanted), need[0] if need else None)
    calibration = card = None
    ece = None
    if chosen is not None and chosen["run_id"]:
        artifacts = run_artifacts(state.registry, chosen["run_id"])
        ece = chosen["metrics"].get("test_ece")
        if artifacts.calibration is not None:
            table = artifacts.calibration
            calibration = charts.calibration(
                [
                    (float(p), float(o), int(n))
                    for p, o, n in zip(
                        table["mean_predicted"], table["observed_rate"], table["n"], strict=True
                    )
                ],
                title=t("model.calibration"),
                predicted=t("model.predicted"),
                observed=t("model.observed"),
            )
        if artifacts.card is not None:
            card = Markup(card_html(artifacts.card))  # safe: markdown-it escapes raw HTML
    return render(
        request,
        "models.html",
        {
            "models": answer["data"],
            "serving": serving,
            "error": state.models.error,
            "chosen": chosen,
            "calibration": calibration,
            "ece": ece,
            "card": card,
            "metrics": {NEED_MODEL: METRICS},
            "appraisal_metrics": APPRAISAL_METRICS,
        },
        session=reader,
    )
