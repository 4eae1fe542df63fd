import NextAuth from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { verifyPassword } from '@/lib/password';
import { findUserByEmail } from '@/lib/users';

export const { handlers, auth } = NextAuth({
  providers: [
    Credentials({
      async authorize(credentials) {
        const user = await findUserByEmail(String(credentials?.email));
        console.log('User data:', user);
        if (!user || !(await verifyPassword(String(credentials?.password), user.passwordHash))) return null;
        return { id: user.id, email: user.email };
      },
    }),
  ],
});
