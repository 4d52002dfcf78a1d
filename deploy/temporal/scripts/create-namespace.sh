#!/bin/sh
# Creates the namespace the migrations run in (unless it exists) and waits until the
# frontend serves it, then exits. The worker registers the custom search attributes
# itself at start (operator API), so none are added here.
# TEMPORAL_ADDRESS, NAMESPACE and NAMESPACE_RETENTION come from docker-compose.yml.
set -eu

host=${TEMPORAL_ADDRESS%:*}
port=${TEMPORAL_ADDRESS##*:}
# The CLI's gRPC resolver may try an IPv6 answer first on a Docker network that has none;
# dialling the IPv4 address avoids a spurious timeout. Without one, the name is used.
ip=$(getent ahosts "$host" | awk '/STREAM/ && $1 ~ /^[0-9.]+$/ { print $1; exit }')
address="${ip:-$host}:$port"

# retry CMD... runs CMD every 2 seconds until it succeeds, for at most 60 attempts.
retry() {
	what=$1
	shift
	attempt=0
	until "$@" >/dev/null 2>&1; do
		attempt=$((attempt + 1))
		if [ "$attempt" -ge 60 ]; then
			echo "create-namespace: $what did not succeed in 120s; last attempt:" >&2
			"$@" >&2 || true
			exit 1
		fi
		sleep 2
	done
}

retry "cluster health at $address" temporal operator cluster health --address "$address"

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$address" >/dev/null 2>&1; then
	echo "create-namespace: $NAMESPACE exists"
else
	temporal operator namespace create --namespace "$NAMESPACE" \
		--retention "$NAMESPACE_RETENTION" --address "$address"
	echo "create-namespace: $NAMESPACE created (retention $NAMESPACE_RETENTION)"
fi

# A new namespace reaches the frontend's namespace cache a moment after it is created;
# listing workflows succeeds only once it has, so the worker never starts too early.
retry "listing workflows in $NAMESPACE" temporal workflow list --namespace "$NAMESPACE" --limit 1 --address "$address"
echo "create-namespace: $NAMESPACE is served"
