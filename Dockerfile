# flashback-mock image: bundle the TypeScript with esbuild in one stage, install runtime dependencies in another,
# and ship only dist/, fixtures/ and production node_modules on node:22-slim (LTS).

FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.ts ./scripts/
COPY src ./src
# The bundle only (issue 13): the image needs no type declarations.
RUN npx tsx scripts/build.ts

FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:22-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY fixtures ./fixtures
COPY --from=build /app/dist ./dist
# V8's code cache for the bundle (issue 13, src/compile-cache.ts): written by a first start, here, so a container's
# start reads the compiled code instead of compiling the bundle's JavaScript again. Made as root, read by node.
RUN node -e "const c = require('node:child_process').spawn(process.execPath, ['dist/cli.cjs', '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] }); c.stdout.on('data', (d) => { if (String(d).includes('listening on')) c.kill('SIGTERM') }); c.on('exit', (code) => process.exit(code ?? 1))" && ls dist/.compile-cache/*.cache
USER node
EXPOSE 3000
# node, not curl (slim images have none), on $PORT, so a container moved to another port stays healthy.
# A 5 s interval makes the container healthy within seconds of starting (engines before Docker 25 have no
# --start-interval); each check costs about 0.15 CPU-seconds. Override with docker run --health-interval.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 CMD ["node", "dist/healthcheck.js"]
# node is PID 1 and handles SIGTERM and SIGINT itself (close-with-grace), so docker stop is quick.
CMD ["node", "dist/cli.cjs"]
