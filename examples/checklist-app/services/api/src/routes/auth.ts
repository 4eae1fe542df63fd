import type { FastifyInstance } from 'fastify';
import bcrypt from 'bcryptjs';
import { findUserByEmail } from '../users';

export async function authRoutes(fastify: FastifyInstance) {
  fastify.post('/auth/login', async (request, reply) => {
    const { email, password } = request.body as { email: string; password: string };
    const user = await findUserByEmail(email);
    if (!user || !(await bcrypt.compare(password, user.passwordHash))) return reply.code(401).send({ error: 'Invalid credentials' });
    const token = fastify.jwt.sign({ sub: user.id });
    reply.setCookie('session', token, { path: '/', httpOnly: true, secure: false, sameSite: 'lax' });
    return { ok: true };
  });
}
