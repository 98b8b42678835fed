#!/usr/bin/env bash
# Runs client.mjs against serverless-offline (serverless.yml) and wsdesign dev
# (template.yaml), one after the other, on the same handler.mjs:
#   npm install --prefix bench && bash bench/run.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-200}
# Placeholder credentials, so that the SDK signs its @connections calls under serverless-offline
# (wsdesign dev gives handlers its own).
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1

wait_port() {
	for _ in $(seq 300); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return; fi
		sleep 0.1
	done
	echo "nothing listens on port $1" >&2
	exit 1
}

pid=
stop() { if [ -n "$pid" ]; then kill -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap stop EXIT

v() { node -p "require(\"./node_modules/$1/package.json\").version"; }
echo "serverless-offline $(v serverless-offline) (osls $(v osls))"
CONNECTIONS_FILE=/tmp/wsbench-sls setsid ./node_modules/.bin/osls offline start >/tmp/wsbench-sls.log 2>&1 &
pid=$!
wait_port 3001
CONNECTIONS_FILE=/tmp/wsbench-sls node client.mjs ws://127.0.0.1:3001 "$rounds"
stop

echo "wsdesign dev ($(git describe --always --dirty))"
go build -o /tmp/wsbench-wsdesign ../cmd/wsdesign
setsid /tmp/wsbench-wsdesign dev template.yaml --port 3011 --log json --parameter-overrides ConnectionsFile=/tmp/wsbench-wsd >/tmp/wsbench-wsd.log 2>&1 &
pid=$!
wait_port 3011
CONNECTIONS_FILE=/tmp/wsbench-wsd node client.mjs ws://127.0.0.1:3011/prod "$rounds"
stop
