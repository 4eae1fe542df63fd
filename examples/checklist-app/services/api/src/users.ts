import Redis from 'ioredis';

const cache = new Redis({ host: process.env.REDIS_HOST || 'localhost', port: 6379 });

export async function findUserByEmail(email: string): Promise<{ id: string; passwordHash: string } | undefined> {
  const hit = await cache.get(`user:${email}`);
  return hit ? JSON.parse(hit) : undefined;
}
