import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { type ThemeChoice, useTheme } from '../../lib/theme';

const CHOICES: { value: ThemeChoice; label: string }[] = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'system', label: 'System' },
];

/** Light, dark or following the operating system; remembered in this browser. */
export function AppearanceCard() {
  const { theme, setTheme } = useTheme();
  return (
    <Card>
      <CardHeader>
        <CardTitle>Appearance</CardTitle>
        <CardDescription>Saved in this browser.</CardDescription>
      </CardHeader>
      <CardContent>
        <fieldset>
          <legend className="mb-2 text-sm font-medium">Theme</legend>
          <div className="flex flex-wrap gap-2">
            {CHOICES.map((choice) => (
              <label
                key={choice.value}
                className="flex cursor-pointer items-center gap-2 rounded-md border px-3 py-2 text-sm has-[:checked]:border-primary has-[:checked]:bg-accent"
              >
                <input
                  type="radio"
                  name="theme"
                  value={choice.value}
                  className="accent-primary"
                  checked={theme === choice.value}
                  onChange={() => setTheme(choice.value)}
                />
                {choice.label}
              </label>
            ))}
          </div>
        </fieldset>
      </CardContent>
    </Card>
  );
}
