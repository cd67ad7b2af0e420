"""Category model benchmark: stratified k-fold cross-validation of the product's own training code on real
citizen messages (TipDM 2020, 7 first-level classes).

    .venv/bin/python bench/router.py [--input ../shared/data/tipdm2020/messages_labeled_train.csv]
                                     [--folds 5] [--seed 0] [--latency 500] [--json]

For each fold it trains exactly what ``hotline router train`` trains (features, ridge classifier, and the
softmax temperature fitted on an inner 3-fold split of the training part only), stores and reloads the
weights the way the product does (npz, no pickle), and predicts the held-out part one order at a time.
It prints macro-F1 and accuracy (mean ± standard deviation over the folds), precision at 60 % and 80 %
coverage (the most confident share), calibration error, the time to fit one model, the time of a full
``router train`` on all the data (5-fold validation + calibration + final fit), prediction latency p50/p99
per order (segmentation included), and the process's peak memory. Figures only: nothing passes or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_INPUT = ROOT.parent / "shared" / "data" / "tipdm2020" / "messages_labeled_train.csv"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")  # in-memory database
    import django

    django.setup()


SERVING = """
import sys, json
sys.path.insert(0, {root!r})
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django
django.setup()
from hotline.routing.classifier.runtime import Predictor
from hotline.routing.classifier.store import loads
predictor = Predictor(loads(open(sys.argv[1], "rb").read()))
for title, content in json.load(open(sys.argv[2])):
    predictor.predict(title, content)
# VmHWM is this process's own peak (ru_maxrss would start from the parent's at fork).
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024)
"""


def serving_memory(data: bytes, texts: list[tuple[str, str]]) -> float:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        model, sample = Path(folder) / "model.npz", Path(folder) / "texts.json"
        model.write_bytes(data)
        sample.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        output = subprocess.run(
            [sys.executable, "-c", SERVING.format(root=str(ROOT)), str(model), str(sample)],
            capture_output=True,
            text=True,
            check=True,
        )
    return float(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--input", default=str(DEFAULT_INPUT))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency", type=int, default=500, help="held-out orders timed one by one per fold")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    setup_django()

    from hotline.core.tables import read_table
    from hotline.routing.classifier import runtime
    from hotline.routing.classifier.features import prepare
    from hotline.routing.classifier.metrics import expected_calibration_error, macro_f1, precision_at_coverage
    from hotline.routing.classifier.runtime import Predictor
    from hotline.routing.classifier.store import dumps, loads
    from hotline.routing.classifier.training import DEFAULT_PARAMS, stratified_folds, train
    from hotline.routing.services.models import examples_from_rows

    examples = examples_from_rows(read_table(args.input))  # the rows go, as in `router train`
    texts, labels = examples.texts, np.array(examples.labels)
    started, cpu = time.perf_counter(), time.process_time()
    # The segmentation of `hotline router train` and of the model's predictions.
    tokenize = runtime.tokenizer_for(DEFAULT_PARAMS)
    docs = [prepare(title, content, tokenize) for title, content in texts]
    prepare_seconds = time.perf_counter() - started
    prepare_cpu = time.process_time() - cpu
    print(
        f"{len(texts)} messages, {len(set(labels))} classes; segmentation and cleaning {prepare_seconds:.1f} s"
    )

    f1s, accs, p60, p80, eces, fit_seconds, fit_cpu, latencies, cpu_latencies = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    # The folds of scikit-learn's StratifiedKFold(shuffle=True) and its macro-F1, computed by the product
    # (tests compare them), so that the process imports no scikit-learn, as training does not.
    for fold, (train_idx, test_idx) in enumerate(stratified_folds(labels, args.folds, args.seed), start=1):
        started, cpu = time.perf_counter(), time.process_time()
        model = train([docs[i] for i in train_idx], labels[train_idx].tolist(), {"folds": 3})
        fit_seconds.append(time.perf_counter() - started)
        fit_cpu.append(time.process_time() - cpu)
        predictor = Predictor(loads(dumps(model)))
        predicted, confidence = [], []
        for n, i in enumerate(test_idx):
            title, content = texts[i]
            begin, cpu = time.perf_counter(), time.thread_time()
            prediction = predictor.predict(title, content)
            if n < args.latency:
                latencies.append((time.perf_counter() - begin) * 1000)
                cpu_latencies.append((time.thread_time() - cpu) * 1000)
            predicted.append(prediction.label)
            confidence.append(prediction.confidence)
        truth = labels[test_idx]
        correct = (np.array(predicted) == truth).astype(float)
        conf = np.array(confidence)
        f1s.append(macro_f1(truth, predicted))
        accs.append(float(correct.mean()))
        p60.append(precision_at_coverage(correct, conf, 0.6)[0])
        p80.append(precision_at_coverage(correct, conf, 0.8)[0])
        eces.append(expected_calibration_error(correct, conf))
        print(
            f"fold {fold}: macro-F1 {f1s[-1]:.4f}  accuracy {accs[-1]:.4f}  P@60% {p60[-1]:.4f}  "
            f"P@80% {p80[-1]:.4f}  ECE {eces[-1]:.4f}  train {fit_seconds[-1]:.1f} s",
            flush=True,
        )
        del model, predictor  # before the next fit, as a process that trains holds no other model

    started, cpu = time.perf_counter(), time.process_time()
    full = train(docs, labels.tolist(), dict(DEFAULT_PARAMS))
    full_seconds = time.perf_counter() - started + prepare_seconds
    full_cpu = time.process_time() - cpu
    data = dumps(full)
    size = len(data)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    serving_mb = serving_memory(data, texts[:200])

    def spread(values: list[float]) -> str:
        return f"{statistics.mean(values):.4f} ± {statistics.pstdev(values):.4f}"

    result = {
        "messages": len(texts),
        "folds": args.folds,
        "macro_f1": [round(v, 4) for v in f1s],
        "macro_f1_mean": round(statistics.mean(f1s), 4),
        "macro_f1_std": round(statistics.pstdev(f1s), 4),
        "accuracy_mean": round(statistics.mean(accs), 4),
        "accuracy_std": round(statistics.pstdev(accs), 4),
        "precision_at_60": round(statistics.mean(p60), 4),
        "precision_at_80": round(statistics.mean(p80), 4),
        "ece": round(statistics.mean(eces), 4),
        "fold_train_seconds_mean": round(statistics.mean(fit_seconds), 1),
        "fold_train_cpu_seconds_mean": round(statistics.mean(fit_cpu), 1),
        "router_train_seconds": round(full_seconds, 1),
        "router_train_cpu_seconds": round(full_cpu + prepare_cpu, 1),
        "latency_ms_p50": round(float(np.percentile(latencies, 50)), 2),
        "latency_ms_p99": round(float(np.percentile(latencies, 99)), 2),
        "cpu_ms_p50": round(float(np.percentile(cpu_latencies, 50)), 2),
        "cpu_ms_p99": round(float(np.percentile(cpu_latencies, 99)), 2),
        "load_average": os.getloadavg()[0],
        "model_bytes": size,
        "features": full.summary["features"],
        "peak_memory_mb": round(peak_mb, 1),
        "serving_memory_mb": round(serving_mb, 1),
    }
    print()
    print(f"macro-F1           {spread(f1s)}   (per fold {', '.join(f'{v:.4f}' for v in f1s)})")
    print(f"accuracy           {spread(accs)}")
    print(f"precision @ 60 %   {spread(p60)}")
    print(f"precision @ 80 %   {spread(p80)}")
    print(f"calibration (ECE)  {spread(eces)}")
    print(
        f"training           {statistics.mean(fit_seconds):.1f} s wall / {statistics.mean(fit_cpu):.1f} s CPU per fold "
        f"model (with its inner calibration); full `router train` on all {len(texts)}: {full_seconds:.1f} s wall / "
        f"{full_cpu + prepare_cpu:.1f} s CPU (segmentation, 5-fold validation, calibration, final fit)"
    )
    print(
        f"prediction         p50 {result['latency_ms_p50']:.2f} ms, p99 {result['latency_ms_p99']:.2f} ms wall; "
        f"p50 {result['cpu_ms_p50']:.2f} ms, p99 {result['cpu_ms_p99']:.2f} ms CPU per order"
    )
    print(
        f"machine load       {os.getloadavg()[0]:.1f} (1-minute load average on {os.cpu_count()} cores at the end)"
    )
    print(f"model              {size / 1e6:.1f} MB stored, {full.summary['features']} features")
    print(
        f"peak memory        {peak_mb:.0f} MB (this whole process: the platform, jieba, every fold and the final fit)"
    )
    print(
        f"serving memory     {serving_mb:.0f} MB (a fresh process: the platform loaded, the model read and 200 predictions)"
    )
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
