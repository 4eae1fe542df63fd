import Fastify from 'fastify';
import cors from '@fastify/cors';
import authPlugin from './plugins/auth';
import { jobRoutes } from './routes/jobs';
import { searchRoutes } from './routes/search';
import { authRoutes } from './routes/auth';
import { attachRealtime } from './realtime';

const fastify = Fastify({ logger: true });

const allowedOrigins = process.env.ALLOWED_ORIGINS?.split(',');

fastify.register(cors, {
  origin: allowedOrigins ?? true,
  credentials: true,
});

fastify.register(authPlugin);
fastify.register(jobRoutes, { prefix: '/jobs' });
fastify.register(searchRoutes);
fastify.register(authRoutes);
attachRealtime(fastify.server);

const port = Number(process.env.PORT ?? 4000);
fastify.listen({ port, host: '0.0.0.0' }).then(() => {
  fastify.log.info(`api listening on ${port}`);
});
