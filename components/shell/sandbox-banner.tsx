/** Shown on every page while Keywarden talks to its bundled simulator instead of Platform.sh. */
export function SandboxBanner({ productName }: { productName: string }) {
  return (
    <aside aria-label="Sandbox mode" className="bg-amber-300 px-4 py-2 text-center text-sm font-medium text-amber-950">
      Sandbox mode — Keywarden is connected to its built-in {productName} simulator with demo data, not to the real
      {productName} API. Set <code className="font-mono">PLATFORMSH_API_TOKEN</code> to go live.
    </aside>
  );
}
