# A BuildRunner worker: `br worker` polls the build queue and the per-model Claude queues.
FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates bubblewrap && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY lib ./lib
COPY services ./services
COPY cli ./cli
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
RUN npm ci && npm prune --omit=dev
ENV NODE_ENV=production
CMD ["node", "bin/br.js", "worker"]
