# World Page Speed: one image that serves as a node (web + API + cluster membership) and
# as a browser runner (`node bin/wps.mjs runner`, started by a pool backend on a machine
# of its own; bin/wps.mjs runs the compiled build made below). Debian's Chromium for the runners, Debian's nats-server for nodes that
# run one beside them (deploy/fly/node.sh).
# A node keeps its tests in SQLite under /data (mount a volume there) or, with DATABASE_URL, in PostgreSQL.
FROM node:20-bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core ca-certificates nats-server \
 && rm -rf /var/lib/apt/lists/*
ENV PUPPETEER_SKIP_DOWNLOAD=1 CHROME_PATH=/usr/bin/chromium PORT=4000 HOST=0.0.0.0 WPS_DATA_DIR=/data
# the app root: a runner machine's command runs from here
WORKDIR /app
COPY package.json package-lock.json ./
# the flame library is an npm workspace of the app: npm ci needs its manifest
COPY src/flame/package.json src/flame/
# better-sqlite3 is a native module: the build tools let it compile where no prebuilt binary can be fetched.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && npm ci --no-audit --no-fund \
 && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
COPY . .
# the web page and wps itself compiled (dist/app/): nodes and runners run JavaScript, not tsx
RUN npx vite build web && node scripts/build.mjs --force
EXPOSE 4000
CMD ["node", "dist/app/wps.mjs", "serve"]
