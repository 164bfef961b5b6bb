#!/bin/sh
# Creates the namespace BuildRunner uses, once: describe first, create only when it is missing.
set -eu
NS=${DEFAULT_NAMESPACE:-default}
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" | grep -q SERVING; do
  echo "waiting for Temporal at $TEMPORAL_ADDRESS"; sleep 2
done
if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$NS" >/dev/null 2>&1; then
  echo "namespace $NS exists"
else
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$NS" --retention "${NAMESPACE_RETENTION:-72h}"
fi
