import { createTheme, type CSSVariablesResolver } from '@mantine/core';

/**
 * Mantine's defaults with the contrast WCAG AA asks for (axe checks every page in the tests): the
 * darkest shade of each color for text and filled buttons, a darker gray for dimmed text, and darker
 * text on the light yellow and green surfaces, whose default shades stay under 4.5:1.
 */
export const theme = createTheme({
  primaryShade: { light: 9, dark: 8 },
  autoContrast: true,
});

export const cssVariables: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': t.colors.gray[7]!,
    '--mantine-color-placeholder': t.colors.gray[7]!,
    '--mantine-color-error': t.colors.red[9]!,
    '--mantine-color-yellow-light-color': '#6e4500',
    '--mantine-color-orange-light-color': '#8a3300',
    '--mantine-color-green-light-color': '#1e6b2e',
    '--mantine-color-green-filled': '#237032',
  },
  dark: {},
});
