#!/usr/bin/env bash
# `bash scripts/check-chart.sh`: renders the Helm chart (deploy/helm/actpass) with its defaults and
# with every part switched on, lints it, validates every manifest against the Kubernetes schemas in
# strict mode (unknown fields are errors), and checks the promises the chart makes (non-root,
# read-only root filesystem, secrets only from Secrets, agents' egress only to the proxy).
#
# Tools come from the registries this project uses, pinned, into .tools/ (git-ignored): helm from its
# Go module (built once; Go's build cache keeps later runs fast), the Kubernetes schemas with
# kubernetes-validate from PyPI. No cluster is needed, and no image: the image build is not run here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
HELM_VERSION=v3.21.4
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_VERSION=1.30.0
tools="$root/.tools"
mkdir -p "$tools"

helm="$tools/go-bin/helm"
# A helm built from its module reports no patch version, so a stamp file records which one was built.
if [ ! -x "$helm" ] || [ ! -f "$helm.${HELM_VERSION}" ]; then
  echo "check-chart: building helm ${HELM_VERSION} from its Go module (once)"
  GOBIN="$tools/go-bin" GOFLAGS=-mod=mod go install "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}"
  touch "$helm.${HELM_VERSION}"
fi
venv="$tools/chart-venv"
if ! "$venv/bin/kubernetes-validate" --version 2>/dev/null | grep -q "${KUBERNETES_VALIDATE_VERSION}"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}"
fi

out=$(mktemp -d /tmp/actpass-chart.XXXXXX)
trap 'rm -rf "$out"' EXIT
chart=deploy/helm/actpass
kube=(--kube-version "$KUBERNETES_VERSION")
"$helm" lint --strict "${kube[@]}" "$chart" >/dev/null
"$helm" lint --strict "${kube[@]}" "$chart" -f "$chart/ci/all-on-values.yaml" >/dev/null
"$helm" template actpass "$chart" "${kube[@]}" --namespace actpass >"$out/default.yaml"
"$helm" template actpass "$chart" "${kube[@]}" --namespace actpass -f "$chart/ci/all-on-values.yaml" >"$out/all-on.yaml"

for rendered in "$out/default.yaml" "$out/all-on.yaml"; do
  # One file per manifest, so a failure names the kind and name.
  "$venv/bin/python" scripts/check_chart.py split "$rendered" "$out/$(basename "$rendered" .yaml)"
  "$venv/bin/kubernetes-validate" --strict --quiet -k "$KUBERNETES_VERSION" "$out/$(basename "$rendered" .yaml)"/*.yaml
  "$venv/bin/python" scripts/check_chart.py promises "$rendered"
done
echo "check-chart: $(ls "$out"/default/*.yaml | wc -l) + $(ls "$out"/all-on/*.yaml | wc -l) manifests render, lint and validate against Kubernetes ${KUBERNETES_VERSION} (strict)"
