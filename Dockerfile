# World Page Speed: one node (web + API + browser runners) with Debian's Chromium.
# Tests are kept in SQLite under /data (mount a volume there) or, with DATABASE_URL, in PostgreSQL.
FROM node:20-bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV PUPPETEER_SKIP_DOWNLOAD=1 CHROME_PATH=/usr/bin/chromium PORT=4000 HOST=0.0.0.0 WPS_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3 is a native module: the build tools let it compile where no prebuilt binary can be fetched.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && npm ci --no-audit --no-fund \
 && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
VOLUME /data
COPY . .
RUN npx vite build web
EXPOSE 4000
CMD ["node", "bin/wps.mjs", "serve"]
