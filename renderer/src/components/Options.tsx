/** A select's options, each a value and what it says. */
export function Options({ items }: { items: readonly (readonly [value: string, label: string])[] }) {
  return (
    <>
      {items.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}
