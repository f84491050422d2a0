'use client';
// Live progress of a running incident: the server-rendered page is refreshed every few seconds while
// the run goes on (the page also carries a meta refresh for a browser without JavaScript).
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

export const LIVE_REFRESH_MS = 2_000;

export function LiveRefresh() {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [router]);
  return null;
}
