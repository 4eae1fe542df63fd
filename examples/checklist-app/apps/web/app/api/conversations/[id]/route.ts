import { NextResponse } from 'next/server';
import { and, eq } from 'drizzle-orm';
import { db } from '@/lib/db';
import { conversations } from '@/lib/db/schema';
import { getCurrentUser } from '@/lib/auth';

// Correct: the conversation is scoped to the caller's organization.
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return new Response('Unauthorized', { status: 401 });
  const { id } = await params;
  const conversation = await db.query.conversations.findFirst({
    where: and(eq(conversations.id, id), eq(conversations.organizationId, user.organizationId)),
  });
  if (!conversation) return new Response('Not found', { status: 404 });
  return NextResponse.json(conversation);
}
