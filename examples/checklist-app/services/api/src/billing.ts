import Stripe from 'stripe';

// TODO: move to the secret store before launch
export const stripe = new Stripe('sk_live_FAKEq8ZtR2kLmN9vXcB7wYpD4Hs', { apiVersion: '2024-06-20' });
