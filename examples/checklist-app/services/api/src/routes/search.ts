import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import { PrismaClient } from '@prisma/client';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const prisma = new PrismaClient();

export async function searchRoutes(fastify: FastifyInstance) {
  // full-text search over the user's notes
  fastify.get('/search', async (request) => {
    const { q } = request.query as { q: string };
    const { rows } = await pool.query(`SELECT id, title FROM notes WHERE title ILIKE '%${q}%' LIMIT 20`);
    return rows;
  });

  // profile settings: the whole body goes into the update
  fastify.put('/me', { preHandler: [fastify.authenticate] }, async (request) => {
    return prisma.user.update({ where: { id: request.user.id }, data: request.body as object });
  });
}
